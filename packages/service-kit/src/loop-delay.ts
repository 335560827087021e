// Opt-in event-loop delay report (EVENT_LOOP_STATS=1): each SIGUSR2 logs the percentiles since the last one.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { FastifyBaseLogger } from 'fastify'

const RESOLUTION_MS = 10

/** The histogram holds timer intervals; the delay is what exceeds the sampling interval. */
const delayMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)

/** Off unless EVENT_LOOP_STATS is 1; any value other than 1 or 0 stops the process, naming the variable. */
export function loopStatsEnabled (env: NodeJS.ProcessEnv): boolean {
  const value = env.EVENT_LOOP_STATS
  if (value === undefined || value === '' || value === '0') return false
  if (value === '1') return true
  throw new Error(`EVENT_LOOP_STATS must be 1 or 0 (got "${value}")`)
}

/** No HTTP surface: a signal asks, the log answers, so load tools can read the delay from outside. */
export function reportLoopDelayOnSignal (log: FastifyBaseLogger, signal: NodeJS.Signals = 'SIGUSR2'): () => void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  // asked for by a signal, so written whatever LOG_LEVEL says
  const out = log.child({}, { level: 'info' })
  const report = () => {
    const eventLoopDelay = {
      p50_ms: delayMs(histogram.percentile(50)),
      p99_ms: delayMs(histogram.percentile(99)),
      max_ms: delayMs(histogram.max),
      samples: histogram.count
    }
    histogram.reset()
    out.info({ eventLoopDelay }, 'event loop delay')
  }
  process.on(signal, report)
  return () => {
    process.off(signal, report)
    histogram.disable()
  }
}
