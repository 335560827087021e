// Where failed logins are counted, as `app.attempts`: opened here and closed with the app.
import fp from 'fastify-plugin'
import { memoryAttemptStore, type AttemptStore } from '../auth/attempt-store.ts'

declare module 'fastify' {
  interface FastifyInstance { attempts: AttemptStore }
}

export interface AttemptStoreOptions { redisUrl?: string | undefined }

export const attemptStorePlugin = fp<AttemptStoreOptions>(async (app, { redisUrl }) => {
  if (redisUrl) {
    throw new Error('RATE_LIMIT_REDIS_URL: a shared rate-limit store is not built yet; leave it unset ' +
      '(limits are kept per process)')
  }
  const store = memoryAttemptStore()
  app.decorate('attempts', store)
  app.addHook('onClose', () => store.close())
}, { name: 'attempt-store' })
