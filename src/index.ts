/**
 * `herald`: the framework-agnostic core (events, channels, authorization, the `Broadcasting`
 * manager), the drivers, the driver registry, configuration and `createBroadcasting`.
 *
 * Deliberately not here: Fastify (`herald/fastify`), test doubles (`herald/testing`) and the
 * tsyringe container (`src/composition/container.ts`, which the Fastify host and `herald serve` resolve
 * from). Importing tsyringe needs the `reflect-metadata` polyfill, which patches the global `Reflect`: a
 * side effect an app that only broadcasts should not pay for (the package declares `"sideEffects": false`).
 * `createBroadcasting` and the driver registry are the composition root's plain functions, without it.
 */
export * from './domain/index.js'

export { LogBroadcaster, type BroadcastLogFields } from './adapters/log/log-broadcaster.js'
export { LogOptionsSchema, type LogOptions } from './adapters/log/log-options.js'
export { createStdoutLogger, type LineSink } from './adapters/log/stdout-logger.js'
export { NullBroadcaster } from './adapters/null/null-broadcaster.js'
export { NullOptionsSchema, type NullOptions } from './adapters/null/null-options.js'
export { LocalBroadcaster } from './adapters/local/local-broadcaster.js'
export { LocalOptionsSchema, type LocalOptions } from './adapters/local/local-options.js'
export { RedisBroadcaster } from './adapters/redis/redis-broadcaster.js'
export { RedisOptionsSchema, type RedisOptions } from './adapters/redis/redis-options.js'
export { PusherBroadcaster } from './adapters/pusher/pusher-broadcaster.js'
export { PusherOptionsSchema, type PusherOptions } from './adapters/pusher/pusher-options.js'
export { AblyBroadcaster } from './adapters/ably/ably-broadcaster.js'
export { AblyOptionsSchema, type AblyOptions } from './adapters/ably/ably-options.js'
export { HttpWebhookSender, type HttpWebhookSenderOptions, type WebhookSenderStats } from './adapters/webhooks/http-webhook-sender.js'
export { WebhookTargetSchema, type WebhookTargetConfig } from './adapters/webhooks/webhook-options.js'

export { SyncQueue } from './adapters/queue/sync-queue.js'
export { SyncQueueOptionsSchema, type SyncQueueOptions } from './adapters/queue/sync-queue-options.js'
export { BullMqQueue, type FailedBroadcast } from './adapters/queue/bullmq-queue.js'
export { BullMqWorker, type BullMqWorkerOptions } from './adapters/queue/bullmq-worker.js'
export { BullMqOptionsSchema, type BullMqOptions } from './adapters/queue/bullmq-options.js'
export { createQueues } from './composition/create-queue.js'
export { startBroadcastWorker, type BroadcastWorker, type BroadcastWorkerOptions } from './composition/start-broadcast-worker.js'


export { driverFactories, createDriver, type DriverDeps, type DriverFactory } from './composition/driver-registry.js'
export { createBroadcasting } from './composition/create-broadcasting.js'

export {
  HeraldConfigSchema,
  ConnectionSchema,
  ConnectionSchemas,
  AppSchema,
  ServerSchema,
  DRIVER_NAMES,
  DEFAULT_APP,
  type DriverName,
  type HeraldConfig,
  type HeraldConfigInput,
  type ConnectionConfig,
  type ConnectionConfigOf,
  type AppConfig,
} from './config/schema.js'
export {
  QueueConfigSchema,
  QueueConnectionSchemas,
  QUEUE_DRIVER_NAMES,
  type QueueConfig,
  type QueueConfigInput,
  type QueueConnectionConfig,
  type QueueDriverName,
} from './config/queue-schema.js'
export { loadConfig, HERALD_WARN_DEFAULT_SECRET } from './config/load-config.js'
export { resolveDefaultConnection } from './config/resolve-default-connection.js'
export { ENV_TABLE, type Env } from './config/env.js'
export { defineConfig } from './config/define-config.js'
export { loadConfigFile, readConfigFile, findConfigFile, CONFIG_FILE_NAMES, type LoadConfigFileOptions, type LoadedConfigFile } from './config/config-file.js'
