// The Prometheus side of metrics.ts, imported only when METRICS_PORT is set: prom-client (and the @opentelemetry/api
// it requires for exemplars) is neither loaded nor compiled by a process with metrics off. It imports nothing of
// service-kit at run time (metrics.ts hands it what it needs): a module both it and an entry imported would land in a
// chunk shared with every entry of the bundle (packages/bundler), the image's healthcheck.mjs too.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { poolCounts } from './database.ts'
import type { Metrics } from './metrics.ts'

type PoolCounts = NonNullable<ReturnType<typeof poolCounts>>

export interface PrometheusOptions {
  port: number
  host: string
  /** the database pool's connections now (database.ts's poolCounts) */
  pool: () => PoolCounts | undefined
  /** the listener's problem+json bodies: any other path, and a failed collection */
  bodies: { notFound: string, failed: string }
  /** the route label of requests no route matched */
  unmatchedRoute: string
}

/** Metrics made on `registry`: every counter series in `series` exists (at 0) from the start. */
function registryMetrics (registry: Registry): Metrics {
  const registers = [registry]
  return {
    enabled: true,
    counter ({ series = [], ...config }) {
      const counter = new Counter({ ...config, registers })
      for (const labels of series) counter.inc(labels, 0)
      return counter
    },
    histogram: (config) => new Histogram({ ...config, registers }),
    gauge ({ read, ...config }) {
      // eslint-disable-next-line no-new
      new Gauge({
        ...config,
        registers,
        collect () {
          const value = read()
          if (value !== undefined) this.set(value)
        }
      })
    }
  }
}

/** The event loop's busy share since the last scrape (0–1): delay says how late, utilisation how full. */
function eventLoopUtilization (metrics: Metrics): void {
  let last = performance.eventLoopUtilization()
  metrics.gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of the time the event loop was busy since the previous scrape (0 to 1).',
    read () {
      const now = performance.eventLoopUtilization()
      const { utilization } = performance.eventLoopUtilization(now, last)
      last = now
      return utilization
    }
  })
}

/** The pool's connections, read at each scrape; saturation is total = max with queries waiting. */
function poolGauges (metrics: Metrics, pool: PrometheusOptions['pool']): void {
  const gauge = (name: string, help: string, read: (counts: PoolCounts) => number) =>
    metrics.gauge({
      name,
      help,
      read () {
        const counts = pool()
        return counts && read(counts)
      }
    })
  gauge('db_pool_connections', 'Connections the database pool holds open (busy and idle).', (c) => c.total)
  gauge('db_pool_idle_connections', 'Open connections no query is using.', (c) => c.idle)
  gauge('db_pool_waiting_queries', 'Queries waiting for a connection.', (c) => c.waiting)
  gauge('db_pool_max_connections', 'The most connections the pool opens (DB_POOL_MAX).', (c) => c.max)
}

/** GET /metrics and nothing else, over plain HTTP (Prometheus scrapes inside the cluster's network). */
function metricsServer (registry: Registry, { notFound, failed }: PrometheusOptions['bodies']): Server {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      try {
        const body = await registry.metrics()
        res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body)
      } catch {
        res.writeHead(500, { 'content-type': 'application/problem+json' })
          .end(failed)
      }
      return
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' })
      .end(notFound)
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  return server
}

async function listen (server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`METRICS_PORT ${port} on ${host}: ${err.message}`)))
    server.listen(port, host, () => resolve())
  })
  return server.address() as AddressInfo
}

/**
 * A registry with the process's own metrics, the pool's and request durations by route template, served on its own
 * listener from onReady; returns what the service registers its own metrics with.
 */
export function startPrometheus (app: FastifyInstance, opts: PrometheusOptions): Metrics {
  const { port, host } = opts
  const registry = new Registry()
  const metrics = registryMetrics(registry)
  collectDefaultMetrics({ register: registry })
  eventLoopUtilization(metrics)
  poolGauges(metrics, opts.pool)
  const requests = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request\'s arrival to the last byte of its answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const
  })
  app.addHook('onResponse', (request, reply, done) => {
    requests.observe({
      method: request.method,
      route: request.routeOptions.url ?? opts.unmatchedRoute,
      status_code: reply.statusCode
    }, reply.elapsedTime / 1000)
    done()
  })

  const server = metricsServer(registry, opts.bodies)
  app.addHook('onReady', async () => {
    const address = await listen(server, port, host)
    app.log.info({ port: address.port, host: address.address }, 'metrics listening on http (GET /metrics)')
  })
  app.addHook('onClose', async () => {
    if (!server.listening) return
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return metrics
}
