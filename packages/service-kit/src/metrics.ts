// Prometheus metrics as `app.metrics`: with METRICS_PORT set, prom-client (loaded then, metrics-prometheus.ts) serves
// the process's own metrics, request durations by route template, the pool and the service's own on a listener of
// their own; with it off, every metric is a no-op and prom-client is never loaded, so recording stays one line.
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { poolCounts } from './database.ts'
import { problem } from './problems.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** where a service makes its own metrics; recorded and served only when the listener is on */
    metrics: Metrics
  }
}

export interface MetricsOptions {
  /** the metrics listener's port; undefined (METRICS_PORT=0) leaves metrics off: no listener, no hooks */
  port?: number
  host: string
}

/** The label of every request no route matched: a raw URL would make a series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched'

export type LabelValues<L extends string> = Partial<Record<L, string | number>>

interface MetricConfig<L extends string> {
  name: string
  help: string
  labelNames?: readonly L[]
}

type CounterConfig<L extends string> = MetricConfig<L> & { series?: Array<LabelValues<L>> }

export interface MetricCounter<L extends string> {
  inc (labels?: LabelValues<L>): void
}

export interface MetricHistogram<L extends string> {
  observe (value: number): void
  observe (labels: LabelValues<L>, value: number): void
}

export interface Metrics {
  /** false with metrics off: what is recorded goes nowhere */
  enabled: boolean
  /** `series`: label sets that exist (at 0) from the start, so that rate() sees their first increase */
  counter: <L extends string = never>(config: CounterConfig<L>) => MetricCounter<L>
  histogram: <L extends string = never>(config: MetricConfig<L> & { buckets?: number[] }) => MetricHistogram<L>
  /** a value read at each scrape; undefined leaves the last one */
  gauge: (config: { name: string, help: string, read: () => number | undefined }) => void
}

const ignore = (): void => {}

/** With metrics off: every metric takes its values and keeps none. */
export const noMetrics: Metrics = {
  enabled: false,
  counter: () => ({ inc: ignore }),
  histogram: () => ({ observe: ignore }),
  gauge: ignore
}

export const metricsPlugin = fp<MetricsOptions>(async (app, { port, host }) => {
  if (port === undefined) {
    app.decorate('metrics', noMetrics)
    return
  }
  const { startPrometheus } = await import('./metrics-prometheus.ts')
  app.decorate('metrics', startPrometheus(app, {
    port,
    host,
    pool: () => poolCounts(app.db as Kysely<unknown>),
    bodies: {
      notFound: JSON.stringify(problem(404, 'ROUTE_NOT_FOUND', 'Only GET /metrics is served on this port')),
      failed: JSON.stringify(problem(500, 'METRICS_FAILED', 'The metrics could not be collected'))
    },
    unmatchedRoute: UNMATCHED_ROUTE
  }))
}, { name: 'metrics', dependencies: ['database'] })
