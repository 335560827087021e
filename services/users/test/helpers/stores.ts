// The stores every limit test runs against: one process's memory, and a namespace of the run's Redis (skipped when
// the run has none, which REQUIRE_REDIS=1 forbids in CI).
import { readState, testRedis } from '@app/testing'
import { memoryAttemptStore, type AttemptStore } from '../../src/auth/attempt-store.ts'
import { openSharedLimits } from '../../src/auth/redis-limit-store.ts'
import type { Tap } from './app.ts'

export interface StoreVariant {
  name: 'memory' | 'redis'
  /** why it cannot run here, or false */
  skip: string | false
  /** the Users settings that select it (a fresh Redis namespace on each call) */
  env: (t: Tap) => Promise<Record<string, string>>
}

const redisSkip = readState().redis ? false : 'no Redis in this test run (TEST_REDIS=none, or no redis-server)'

export const storeVariants: StoreVariant[] = [
  { name: 'memory', skip: false, env: async () => ({}) },
  {
    name: 'redis',
    skip: redisSkip,
    async env (t) {
      const redis = await testRedis(t)
      if (!redis) throw new Error('no Redis in this test run')
      return redis.env
    }
  }
]

/** Log lines a store writes, kept for assertions. */
export function recordingLog (): { lines: Array<{ level: string, msg: string, details: object }> } &
  Record<'warn' | 'info', (details: object, msg: string) => void> {
  const lines: Array<{ level: string, msg: string, details: object }> = []
  return {
    lines,
    warn: (details, msg) => { lines.push({ level: 'warn', msg, details }) },
    info: (details, msg) => { lines.push({ level: 'info', msg, details }) }
  }
}

/** The variant's AttemptStore on its own, closed at the end of the test. */
export async function openAttemptStore (t: Tap, variant: StoreVariant): Promise<AttemptStore> {
  if (variant.name === 'memory') {
    const store = memoryAttemptStore()
    t.teardown(() => store.close())
    return store
  }
  const env = await variant.env(t)
  const shared = await openSharedLimits({
    url: env.RATE_LIMIT_REDIS_URL!, prefix: env.RATE_LIMIT_REDIS_PREFIX!, log: recordingLog()
  })
  t.teardown(() => shared.close())
  return shared.attempts
}
