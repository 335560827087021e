// Per-username limit on failed logins: LOGIN_MAX_FAILURES in LOGIN_FAILURE_WINDOW_SECONDS, then 429 with Retry-After.
import type { AttemptStore } from './attempt-store.ts'
import { errors } from '../errors.ts'

export interface LoginLimiterOptions {
  store: AttemptStore
  maxFailures: number
  windowSeconds: number
  now?: () => number
}

export interface LoginLimiter {
  /**
   * Runs `attempt` unless the key already has maxFailures failures in the window. The attempt is recorded
   * before it runs, so concurrent guesses cannot all slip past the check, and forgotten when it succeeds
   * (a result other than undefined): only failures count.
   */
  guard: <T>(key: string, attempt: () => Promise<T | undefined>) => Promise<T | undefined>
}

export function createLoginLimiter ({ store, maxFailures, windowSeconds, now = Date.now }: LoginLimiterOptions): LoginLimiter {
  const windowMs = windowSeconds * 1000
  return {
    async guard (key, attempt) {
      const at = now()
      const recorded = await store.add(key, at, windowMs)
      const earlier = recorded.times.length - 1
      if (earlier >= maxFailures) {
        await store.remove(key, recorded.id)
        // allowed again once all but maxFailures − 1 of the earlier failures have left the window
        const freedAt = recorded.times[earlier - maxFailures]! + windowMs
        throw errors.tooManyFailures(Math.max(1, Math.ceil((freedAt - at) / 1000)))
      }
      let result: Awaited<ReturnType<typeof attempt>>
      try {
        result = await attempt()
      } catch (err) {
        await store.remove(key, recorded.id)
        throw err
      }
      if (result !== undefined) await store.remove(key, recorded.id)
      return result
    }
  }
}
