/**
 * `herald/typeorm`: Laravel's model broadcasting for TypeORM entities. TypeORM is an optional peer
 * dependency; only its types are referenced.
 */
export { ModelBroadcastSubscriber, broadcastModelEvents, type ModelBroadcastSubscriberOptions } from './model-broadcast-subscriber.js'
