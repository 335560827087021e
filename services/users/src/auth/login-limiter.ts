// Failed-login limits over sliding windows, several at once (per username and client address, per username
// across addresses): over any of them the attempt is 429 with Retry-After, before any password work is done.
import type { AttemptStore } from './attempt-store.ts'
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
   * Runs `attempt` unless a limit is already reached. The attempt is recorded under every limit before it runs
   * (one step of the store, so concurrent guesses cannot all slip past the check), and forgotten when it succeeds
   * (a result other than undefined) or throws: only failures count.
   */
  guard: <T>(who: Attempter, attempt: () => Promise<T | undefined>) => Promise<T | undefined>
}

export function createLoginLimiter (opts: LoginLimiterOptions): LoginLimiter {
  const { store, windowSeconds, now = Date.now } = opts
  const windowMs = windowSeconds * 1000
  // canonical usernames are [a-z0-9_.-] only, so neither can run into the separator
  const limits = (who: Attempter) => [
    { key: `user+address:${who.username}|${who.address}`, max: opts.maxFailures },
    { key: `user:${who.username}`, max: opts.maxFailuresPerUsername }
  ]
  return {
    async guard (who, attempt) {
      const at = now()
      const held = limits(who)
      const admission = await store.admit(held, at, windowMs)
      if (!admission.admitted) {
        throw errors.tooManyFailures(Math.max(1, Math.ceil((admission.retryAt - at) / 1000)))
      }
      // a store that fails here has said so itself (a shared one logs its outage); the attempt then stays counted
      // until its window ends, which errs on the safe side and must not turn a right password into an error
      const forget = () => store.forget(held.map((l) => l.key), admission.id).catch(() => {})
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
