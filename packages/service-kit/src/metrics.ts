// Prometheus metrics (prom-client): one registry per app as `app.metrics`; when METRICS_PORT is set, the process's
// own metrics, request durations by route template and the database pool, served on a listener of their own.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { poolCounts } from './database.ts'
import { problem } from './problems.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** where a service registers its own metrics; served only when the listener is on */
    metrics: Registry
  }
}

export interface MetricsOptions {
  /** the metrics listener's port; undefined (METRICS_PORT=0) leaves metrics off: no listener, no hooks */
  port?: number
  host: string
}

/** The label of every request no route matched: a raw URL would make a series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched'

/** The event loop's busy share since the last scrape (0–1): delay says how late, utilisation how full. */
function eventLoopUtilization (registry: Registry): void {
  let last = performance.eventLoopUtilization()
  // eslint-disable-next-line no-new
  new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of the time the event loop was busy since the previous scrape (0 to 1).',
    registers: [registry],
    collect () {
      const now = performance.eventLoopUtilization()
      this.set(performance.eventLoopUtilization(now, last).utilization)
      last = now
    }
  })
}

/** The pool's connections, read at each scrape; saturation is total = max with queries waiting. */
function poolGauges (registry: Registry, db: Kysely<unknown>): void {
  const gauge = (name: string, help: string, read: (counts: NonNullable<ReturnType<typeof poolCounts>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect () {
        const counts = poolCounts(db)
        if (counts) this.set(read(counts))
      }
    })
  gauge('db_pool_connections', 'Connections the database pool holds open (busy and idle).', (c) => c.total)
  gauge('db_pool_idle_connections', 'Open connections no query is using.', (c) => c.idle)
  gauge('db_pool_waiting_queries', 'Queries waiting for a connection.', (c) => c.waiting)
  gauge('db_pool_max_connections', 'The most connections the pool opens (DB_POOL_MAX).', (c) => c.max)
}

/** GET /metrics and nothing else, over plain HTTP (Prometheus scrapes inside the cluster's network). */
function metricsServer (registry: Registry): Server {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      try {
        const body = await registry.metrics()
        res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body)
      } catch {
        res.writeHead(500, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify(problem(500, 'METRICS_FAILED', 'The metrics could not be collected')))
      }
      return
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' })
      .end(JSON.stringify(problem(404, 'ROUTE_NOT_FOUND', 'Only GET /metrics is served on this port')))
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

export const metricsPlugin = fp<MetricsOptions>(async (app, { port, host }) => {
  const registry = new Registry()
  app.decorate('metrics', registry)
  if (port === undefined) return

  collectDefaultMetrics({ register: registry })
  eventLoopUtilization(registry)
  poolGauges(registry, app.db as Kysely<unknown>)
  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request\'s arrival to the last byte of its answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry]
  })
  app.addHook('onResponse', (request, reply, done) => {
    requests.observe({
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: reply.statusCode
    }, reply.elapsedTime / 1000)
    done()
  })

  const server = metricsServer(registry)
  app.addHook('onReady', async () => {
    const address = await listen(server, port, host)
    app.log.info({ port: address.port, host: address.address }, 'metrics listening on http (GET /metrics)')
  })
  app.addHook('onClose', async () => {
    if (!server.listening) return
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
}, { name: 'metrics', dependencies: ['database'] })
