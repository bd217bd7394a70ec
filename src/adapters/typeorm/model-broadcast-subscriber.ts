// Only types are imported from TypeORM: the subscriber is a plain object TypeORM calls, so Herald
// loads without TypeORM installed, and TypeORM (an optional peer) is never imported twice.
import type {
  DataSource,
  EntityMetadata,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  QueryRunner,
  RecoverEvent,
  RemoveEvent,
  SoftRemoveEvent,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
  UpdateEvent,
} from 'typeorm'
import type { BroadcastHold } from '../../domain/broadcasting/broadcast-hold.js'
import type { Broadcasting } from '../../domain/broadcasting/broadcasting.js'
import { broadcastsModelEvent, ModelEventOccurred, type ModelBroadcastRules, type ModelEventType, type ModelSnapshot } from '../../domain/models/model-event.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'

/** Inputs of {@link ModelBroadcastSubscriber}. */
export interface ModelBroadcastSubscriberOptions {
  readonly broadcasting: Broadcasting
  /**
   * The entities that broadcast (Laravel's models that use `BroadcastsEvents`), by TypeORM entity
   * name (the class name, or the `EntitySchema` name), each with its rules (`{}` for Laravel's defaults).
   */
  readonly models: Readonly<Record<string, ModelBroadcastRules>>
  /** Where a broadcast that failed after its transaction committed is logged. */
  readonly logger?: LoggerPort
}

/**
 * Broadcasts TypeORM entity events as Laravel's model broadcasts: `PostCreated`, `PostUpdated`,
 * `PostDeleted`, `PostTrashed` (soft remove), `PostRestored` (recover) on `private-App.Models.Post.{id}`.
 * Events inside a transaction (every `save()` opens one) are held until it commits and dropped if it
 * rolls back, savepoints included. Attach it with {@link broadcastModelEvents} (TypeORM's
 * `subscribers` option takes classes, not configured instances).
 *
 * Updates are seen through `save()`; `repository.update()` does not load the entity, so its key is
 * unknown and nothing is broadcast (logged at debug).
 *
 * @example
 * broadcastModelEvents(dataSource, { broadcasting, models: { Post: {} } })
 */
export class ModelBroadcastSubscriber implements EntitySubscriberInterface {
  readonly #broadcasting: Broadcasting
  readonly #models: Readonly<Record<string, ModelBroadcastRules>>
  readonly #logger: LoggerPort
  // One hold per open transaction level of each query runner: a savepoint gets its own.
  readonly #holds = new WeakMap<QueryRunner, BroadcastHold[]>()

  constructor(options: ModelBroadcastSubscriberOptions) {
    this.#broadcasting = options.broadcasting
    this.#models = options.models
    this.#logger = options.logger ?? nullLogger
  }

  afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    return this.#record('created', event.metadata, event.entity, event.queryRunner)
  }

  afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    return this.#record('updated', event.metadata, event.entity === undefined ? undefined : { ...event.databaseEntity, ...event.entity }, event.queryRunner)
  }

  afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    return this.#record('deleted', event.metadata, removed(event), event.queryRunner)
  }

  afterSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): Promise<void> {
    return this.#record('trashed', event.metadata, removed(event), event.queryRunner)
  }

  afterRecover(event: RecoverEvent<ObjectLiteral>): Promise<void> {
    return this.#record('restored', event.metadata, removed(event), event.queryRunner)
  }

  afterTransactionStart(event: TransactionStartEvent): void {
    this.#stack(event.queryRunner).push(this.#broadcasting.hold())
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const stack = this.#stack(event.queryRunner)
    const hold = stack.pop()
    if (hold === undefined) return
    const outer = stack.at(-1)
    // A released savepoint's broadcasts wait for the outer transaction.
    if (outer !== undefined && event.queryRunner.isTransactionActive) return outer.add(() => hold.commit())
    try {
      await hold.commit()
    } catch (err) {
      // The data is committed: failing the caller's save() now would tell it the write failed.
      this.#logger.error({ err }, 'model broadcast after commit failed')
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.#stack(event.queryRunner).pop()?.rollback()
  }

  async #record(type: ModelEventType, metadata: EntityMetadata, entity: ObjectLiteral | undefined, queryRunner: QueryRunner): Promise<void> {
    const rules = this.#models[metadata.name]
    if (rules === undefined || !broadcastsModelEvent(rules, type)) return
    const snapshot = snapshotOf(metadata, entity)
    if (snapshot === undefined) {
      this.#logger.debug({ model: metadata.name, type }, 'model event without a loaded entity key; not broadcast (use save())')
      return
    }
    const event = new ModelEventOccurred(snapshot, type, rules)
    const hold = queryRunner.isTransactionActive ? this.#stack(queryRunner).at(-1) : undefined
    if (hold !== undefined) await hold.event(event)
    else await this.#broadcasting.event(event)
  }

  #stack(queryRunner: QueryRunner): BroadcastHold[] {
    let stack = this.#holds.get(queryRunner)
    if (stack === undefined) {
      stack = []
      this.#holds.set(queryRunner, stack)
    }
    return stack
  }
}

function removed(event: RemoveEvent<ObjectLiteral> | SoftRemoveEvent<ObjectLiteral> | RecoverEvent<ObjectLiteral>): ObjectLiteral | undefined {
  // After a remove TypeORM may have cleared the entity's key; the database row and entityId still have it.
  const merged = { ...event.databaseEntity, ...event.entity }
  const primary = event.metadata.primaryColumns[0]
  if (primary !== undefined && primary.getEntityValue(merged) === undefined && event.entityId !== undefined && typeof event.entityId !== 'object') {
    primary.setEntityValue(merged, event.entityId)
  }
  return merged
}

function snapshotOf(metadata: EntityMetadata, entity: ObjectLiteral | undefined): ModelSnapshot | undefined {
  if (entity === undefined || metadata.primaryColumns.length !== 1) return undefined
  const key: unknown = metadata.primaryColumns[0]?.getEntityValue(entity)
  if (typeof key !== 'string' && typeof key !== 'number') return undefined
  return { name: metadata.name, key, attributes: JSON.parse(JSON.stringify(entity)) as Record<string, unknown> }
}

/**
 * Attaches a {@link ModelBroadcastSubscriber} to an initialized DataSource and returns it.
 *
 * @example
 * await dataSource.initialize()
 * broadcastModelEvents(dataSource, { broadcasting, models: { Post: {}, Comment: { events: ['created'] } } })
 */
export function broadcastModelEvents(dataSource: DataSource, options: ModelBroadcastSubscriberOptions): ModelBroadcastSubscriber {
  const subscriber = new ModelBroadcastSubscriber(options)
  dataSource.subscribers.push(subscriber)
  return subscriber
}
