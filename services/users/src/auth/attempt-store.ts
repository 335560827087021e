// Where failed logins are counted: the interface both stores implement (one process's memory here, Redis in
// redis-limit-store.ts), and the in-memory one.
import { AppError } from '@app/service-kit'

/** A limit: at most `max` attempts recorded under `key` within the window. */
export interface Limit { key: string, max: number }

export type Admission =
  /** recorded under every limit; `id` hands it back to `forget` */
  | { admitted: true, id: string }
  /** recorded under none; `retryAt` (ms since epoch) is when every limit has room again */
  | { admitted: false, retryAt: number }

export interface AttemptStore {
  /**
   * One atomic step (one round trip to a shared store): drops the attempts older than windowMs under each key; when
   * a key already holds its `max`, records nothing and says when the oldest attempt in the way leaves the window;
   * otherwise records this attempt, at `now`, under every key. Concurrent attempts cannot all slip past the count.
   */
  admit: (limits: Limit[], now: number, windowMs: number) => Promise<Admission>
  /** Forgets an admitted attempt under each key: it succeeded, or failed for a reason other than the password. */
  forget: (keys: string[], id: string) => Promise<void>
  close: () => Promise<void>
}

/**
 * When each limit has room again: `times` are a key's attempts still in the window, oldest first; with `max` or
 * more of them, the one `max` places from the newest must leave first. Undefined when every limit has room now.
 */
export function retryAt (held: Array<{ times: number[], max: number }>, windowMs: number): number | undefined {
  const freed = held.filter((h) => h.times.length >= h.max).map((h) => h.times[h.times.length - h.max]! + windowMs)
  return freed.length ? Math.max(...freed) : undefined
}

interface Entry { id: string, at: number }

/**
 * One process's memory: right for one replica. Records leave by age only (their window), never to make room: a
 * spray of new usernames cannot flush a victim's failures. When `maxKeys` live keys exist even after expired ones
 * are swept, a new key is refused with 503 rather than recorded at someone else's expense.
 */
export function memoryAttemptStore ({ maxKeys = 200_000, sweepMs = 60_000 } = {}): AttemptStore {
  const byKey = new Map<string, Entry[]>()
  let nextId = 1
  let longestWindow = 0
  const prune = (key: string, now: number, windowMs: number) => {
    const kept = (byKey.get(key) ?? []).filter((e) => e.at > now - windowMs)
    if (kept.length) byKey.set(key, kept)
    else byKey.delete(key)
    return kept
  }
  const sweep = (now: number) => {
    for (const key of byKey.keys()) prune(key, now, longestWindow)
  }
  const newKeys = (limits: Limit[]) => limits.filter((l) => !byKey.has(l.key)).length
  const timer = setInterval(() => sweep(Date.now()), sweepMs)
  timer.unref()
  return {
    async admit (limits, now, windowMs) {
      longestWindow = Math.max(longestWindow, windowMs)
      if (newKeys(limits) && byKey.size + newKeys(limits) > maxKeys) {
        sweep(now)
        if (byKey.size + newKeys(limits) > maxKeys) {
          throw new AppError(503, 'LOGIN_BUSY', 'Too many login attempts are being tracked; retry shortly',
            { 'retry-after': String(Math.max(1, Math.ceil(sweepMs / 1000))) })
        }
      }
      const held = limits.map((l) => ({ ...l, entries: prune(l.key, now, windowMs) }))
      const at = retryAt(held.map((h) => ({ times: h.entries.map((e) => e.at), max: h.max })), windowMs)
      if (at !== undefined) return { admitted: false, retryAt: at }
      const entry = { id: String(nextId++), at: now }
      for (const h of held) byKey.set(h.key, [...h.entries, entry])
      return { admitted: true, id: entry.id }
    },
    async forget (keys, id) {
      for (const key of keys) {
        const kept = (byKey.get(key) ?? []).filter((e) => e.id !== id)
        if (kept.length) byKey.set(key, kept)
        else byKey.delete(key)
      }
    },
    async close () { clearInterval(timer) }
  }
}
