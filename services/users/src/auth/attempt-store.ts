// Where failed logins are counted: an interface a shared store (Redis sorted sets) can implement, and the
// in-memory one.
import { AppError } from '@app/service-kit'

export interface RecordedAttempt {
  /** hands back to `remove` to forget this attempt */
  id: number
  /** times (ms since epoch) of the attempts of this key still within the window, oldest first, this one included */
  times: number[]
}

export interface AttemptStore {
  /** Records an attempt for key at `now`, after dropping the ones older than windowMs. */
  add: (key: string, now: number, windowMs: number) => Promise<RecordedAttempt>
  /** Forgets one recorded attempt: a success, or one refused before it was tried. */
  remove: (key: string, id: number) => Promise<void>
  close: () => Promise<void>
}

interface Entry { id: number, at: number }

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
  const timer = setInterval(() => sweep(Date.now()), sweepMs)
  timer.unref()
  return {
    async add (key, now, windowMs) {
      longestWindow = Math.max(longestWindow, windowMs)
      if (!byKey.has(key) && byKey.size >= maxKeys) {
        sweep(now)
        if (byKey.size >= maxKeys) {
          throw new AppError(503, 'LOGIN_BUSY', 'Too many login attempts are being tracked; retry shortly',
            { 'retry-after': String(Math.max(1, Math.ceil(sweepMs / 1000))) })
        }
      }
      const entries = prune(key, now, windowMs)
      const entry = { id: nextId++, at: now }
      entries.push(entry)
      byKey.set(key, entries)
      return { id: entry.id, times: entries.map((e) => e.at) }
    },
    async remove (key, id) {
      const entries = byKey.get(key)
      if (!entries) return
      const kept = entries.filter((e) => e.id !== id)
      if (kept.length) byKey.set(key, kept)
      else byKey.delete(key)
    },
    async close () { clearInterval(timer) }
  }
}
