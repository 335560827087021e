// Concurrent request loops for fault and bound tests, each bounded in count and in time, with when each request
// started and ended (epoch ms, to compare with a service's log lines and with the moment a fault began).

export interface LoadLimits {
  /** loops running at once */
  workers: number
  /** each loop's pause after a request */
  pauseMs: number
  /** requests in all loops together, at most */
  maxRequests: number
  /** how long the loops run at most, from the start */
  maxMs: number
}

export interface Sample<T> {
  worker: number
  /** Date.now() when the request began and when its answer (or failure) was in */
  start: number
  end: number
  result: T
}

export interface RunningLoad<T> {
  /** the samples so far, in the order they ended */
  samples: Sample<T>[]
  /** ends every loop after its current request; resolves with all samples */
  stop: () => Promise<Sample<T>[]>
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `step` in `workers` loops until `stop()`, maxRequests or maxMs, whichever comes first. `step` should settle
 * with what happened (a status, a connection error) rather than throw: a throw ends the whole load with it.
 */
export function boundedLoad<T> (limits: LoadLimits, step: (worker: number) => Promise<T>): RunningLoad<T> {
  const samples: Sample<T>[] = []
  const deadline = Date.now() + limits.maxMs
  let started = 0
  let stopped = false
  const more = () => !stopped && started < limits.maxRequests && Date.now() < deadline
  const loop = async (worker: number) => {
    while (more()) {
      started++
      const start = Date.now()
      const result = await step(worker)
      samples.push({ worker, start, end: Date.now(), result })
      if (limits.pauseMs > 0) await pause(limits.pauseMs)
    }
  }
  const done = Promise.all(Array.from({ length: limits.workers }, (_, worker) => loop(worker)))
  done.catch(() => {})
  return {
    samples,
    stop: async () => {
      stopped = true
      await done
      return samples
    }
  }
}
