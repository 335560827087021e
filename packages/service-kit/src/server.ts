// Process entry shared by both services: build from the environment, listen, on a signal drain (shutdown.ts) and
// close with grace (close-with-grace), and the opt-in event-loop delay report.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import closeWithGrace from 'close-with-grace'
import type { FastifyBaseLogger } from 'fastify'
import type { App } from './app.ts'
import { startTracing } from './tracing.ts'

export interface ListenOn { app: App, port: number, host: string }

/** How long in-flight requests get after the drain before the process is ended anyway. */
export const SHUTDOWN_GRACE_MS = 10_000
const LOOP_STATS_SIGNAL = 'SIGUSR2'
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
export function reportLoopDelayOnSignal (
  log: FastifyBaseLogger, signal: NodeJS.Signals = LOOP_STATS_SIGNAL
): () => void {
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

/**
 * Start-up leaves garbage behind (schema compilation, the OpenAPI document): collected once the server listens, the
 * process idles at its steady size at once rather than when V8's memory reducer gets to it (~15 s later). Only
 * where node runs with --expose-gc (the images' CMD); elsewhere nothing happens.
 */
function collectStartupGarbage (): void {
  (globalThis as { gc?: () => void }).gc?.()
}

/** Runs a service: any configuration or startup failure is one line naming what is wrong, then exit 1. */
export async function runServer (name: string, build: (env: NodeJS.ProcessEnv) => Promise<ListenOn>): Promise<void> {
  try {
    const loopStats = loopStatsEnabled(process.env)
    // before the app is built: its plugins and the pg module are instrumented as they are set up
    const tracing = await startTracing(name, process.env)
    const { app, port, host } = await build(process.env)
    if (loopStats) reportLoopDelayOnSignal(app.log)
    const delay = app.shutdown.drainMs + SHUTDOWN_GRACE_MS
    closeWithGrace({ delay, skip: loopStats ? [LOOP_STATS_SIGNAL] : [] }, async ({ signal, err }) => {
      if (err) {
        app.log.error({ err }, 'closing after an unexpected error')
      } else {
        app.log.info({ signal, drainMs: app.shutdown.drainMs }, 'shutting down')
        // out of the balancer's rotation first, still serving; a crash skips it
        await app.shutdown.drain()
      }
      await app.close()
      // the spans of the last requests are exported before the process ends
      await tracing?.shutdown()
    })
    await app.listen({ port, host })
    collectStartupGarbage()
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`)
    process.exit(1)
  }
}
