// A bounded lane for expensive work (bcrypt): at most `maxInFlight` jobs run, at most `maxQueue` wait, and
// anything beyond is refused at once instead of waiting without end or starving the thread pool.
export interface LaneOptions {
  maxInFlight: number
  maxQueue: number
  /** the error a refused job gets */
  full: () => Error
  /** told how long each admitted job waited for its turn, in seconds (0 when it ran at once) */
  onWait?: (seconds: number) => void
}

export interface Lane {
  run: <T>(work: () => Promise<T>) => Promise<T>
  /** jobs waiting now */
  queued: () => number
}

export function createLane ({ maxInFlight, maxQueue, full, onWait }: LaneOptions): Lane {
  let inFlight = 0
  const waiting: Array<() => void> = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else inFlight--
  }
  return {
    async run (work) {
      const arrived = performance.now()
      if (inFlight < maxInFlight) inFlight++
      else if (waiting.length < maxQueue) await new Promise<void>((resolve) => waiting.push(resolve))
      else throw full()
      onWait?.((performance.now() - arrived) / 1000)
      try {
        return await work()
      } finally {
        release()
      }
    },
    queued: () => waiting.length
  }
}
