// Where failed logins are counted: an interface a shared store (Redis sorted sets) can implement, and the in-memory one.

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

/** One process's memory: right for one replica. Keys are capped so a spray of usernames cannot grow it without end. */
export function memoryAttemptStore ({ maxKeys = 100_000, sweepMs = 60_000 } = {}): AttemptStore {
  const byKey = new Map<string, Entry[]>()
  let nextId = 1
  let longestWindow = 0
  const prune = (key: string, now: number, windowMs: number) => {
    const kept = (byKey.get(key) ?? []).filter((e) => e.at > now - windowMs)
    if (kept.length) byKey.set(key, kept)
    else byKey.delete(key)
    return kept
  }
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const key of byKey.keys()) prune(key, now, longestWindow)
  }, sweepMs)
  sweep.unref()
  return {
    async add (key, now, windowMs) {
      longestWindow = Math.max(longestWindow, windowMs)
      const entries = prune(key, now, windowMs)
      const entry = { id: nextId++, at: now }
      entries.push(entry)
      byKey.delete(key)
      byKey.set(key, entries)
      // Map order is insertion order, refreshed above: the first key is the one least recently tried.
      if (byKey.size > maxKeys) byKey.delete(byKey.keys().next().value!)
      return { id: entry.id, times: entries.map((e) => e.at) }
    },
    async remove (key, id) {
      const entries = byKey.get(key)
      if (!entries) return
      const kept = entries.filter((e) => e.id !== id)
      if (kept.length) byKey.set(key, kept)
      else byKey.delete(key)
    },
    async close () { clearInterval(sweep) }
  }
}
