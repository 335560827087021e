// Where the limits are kept, as `app.attempts` (failed logins) and `app.addressCounter` (per-address request counts,
// only when shared): one process's memory, or Valkey/Redis shared by every replica when RATE_LIMIT_REDIS_URL is
// set. Opened here and closed with the app.
import fp from 'fastify-plugin'
import { memoryAttemptStore, type AttemptStore } from '../auth/attempt-store.ts'
import { openSharedLimits, type AddressCounter } from '../auth/redis-limit-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    attempts: AttemptStore
    /** undefined: @fastify/rate-limit counts in this process's memory */
    addressCounter: AddressCounter | undefined
  }
}

export interface AttemptStoreOptions {
  redisUrl?: string | undefined
  /** RATE_LIMIT_REDIS_PREFIX */
  redisPrefix: string
}

export const attemptStorePlugin = fp<AttemptStoreOptions>(async (app, { redisUrl, redisPrefix }) => {
  if (!redisUrl) {
    const store = memoryAttemptStore()
    app.decorate('attempts', store)
    app.decorate('addressCounter', undefined)
    app.addHook('onClose', () => store.close())
    return
  }
  const shared = await openSharedLimits({ url: redisUrl, prefix: redisPrefix, log: app.log })
  app.decorate('attempts', shared.attempts)
  app.decorate('addressCounter', shared.counter)
  app.addHook('onClose', () => shared.close())
}, { name: 'attempt-store' })
