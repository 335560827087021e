// Failed-login limits over sliding windows, several at once (per username and client address, per username
// across addresses): over any of them the attempt is 429 with Retry-After, before any password work is done.
import type { AttemptStore, RecordedAttempt } from './attempt-store.ts'
import { errors } from '../errors.ts'

export interface LoginLimiterOptions {
  store: AttemptStore
  /** failures per (username, client address) in the window */
  maxFailures: number
  /** failures per username across all addresses in the window */
  maxFailuresPerUsername: number
  windowSeconds: number
  now?: () => number
}

/** Who is trying: the canonical username and the client's address key (see client-address.ts). */
export interface Attempter { username: string, address: string }

export interface LoginLimiter {
  /**
   * Runs `attempt` unless a limit is already reached. The attempt is recorded under every limit before it runs,
   * so concurrent guesses cannot all slip past the check, and forgotten when it succeeds (a result other than
   * undefined) or throws: only failures count.
   */
  guard: <T>(who: Attempter, attempt: () => Promise<T | undefined>) => Promise<T | undefined>
}

export function createLoginLimiter (opts: LoginLimiterOptions): LoginLimiter {
  const { store, windowSeconds, now = Date.now } = opts
  const windowMs = windowSeconds * 1000
  const limits = (who: Attempter) => [
    { key: `user+address:${who.username}|${who.address}`, max: opts.maxFailures },
    { key: `user:${who.username}`, max: opts.maxFailuresPerUsername }
  ]
  return {
    async guard (who, attempt) {
      const at = now()
      const recorded: Array<{ key: string, max: number, attempt: RecordedAttempt }> = []
      for (const limit of limits(who)) recorded.push({ ...limit, attempt: await store.add(limit.key, at, windowMs) })
      const forget = () => Promise.all(recorded.map((r) => store.remove(r.key, r.attempt.id)))
      // allowed again once all but max − 1 of the earlier failures have left the window
      const freedAt = recorded
        .filter((r) => r.attempt.times.length - 1 >= r.max)
        .map((r) => r.attempt.times[r.attempt.times.length - 1 - r.max]! + windowMs)
      if (freedAt.length) {
        await forget()
        throw errors.tooManyFailures(Math.max(1, Math.ceil((Math.max(...freedAt) - at) / 1000)))
      }
      let result: Awaited<ReturnType<typeof attempt>>
      try {
        result = await attempt()
      } catch (err) {
        await forget()
        throw err
      }
      if (result !== undefined) await forget()
      return result
    }
  }
}
