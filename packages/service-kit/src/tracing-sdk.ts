// The OpenTelemetry Node SDK and the instrumentations this service needs, loaded by tracing.ts only when traces are
// on: @fastify/otel for the request spans, undici's for the call to Offers (W3C traceparent), pg's for statements.
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import pg from 'pg'
import type { Tracing } from './tracing.ts'

/**
 * pg's instrumentation patches `pg` when something `require`s it; in the production bundle pg is inlined and never
 * required, and under tsx it is loaded before the SDK starts. So its patches are applied here, to the very module
 * object the pool in database.ts is made from: Client.prototype.query, a span per statement with its parameterised
 * text only (enhancedDatabaseReporting off keeps the values out). Statements outside a request (the pool warming
 * up) make no span. pg-pool's connect is left alone: a span for every checkout would cost each request one more
 * span for what the pool metrics (total, idle, waiting) already show.
 */
function instrumentPg (): void {
  const instrumentation = new PgInstrumentation({
    enabled: false, requireParentSpan: true, enhancedDatabaseReporting: false
  })
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name === 'pg') definition.patch?.(pg)
  }
}

/** Server spans are named as the semantic conventions say, "GET /user/:id/", rather than "request". */
function nameSpan (span: { updateName: (name: string) => unknown }, request: FastifyRequest): void {
  if (request.routeOptions.url) span.updateName(`${request.method} ${request.routeOptions.url}`)
}

/** Every line logged for the request (its access line included) carries the ids of the request's span. */
function bindLogs (request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const span = request.opentelemetry().span
  if (span) {
    const { traceId, spanId } = span.spanContext()
    request.log = request.log.child({ trace_id: traceId, span_id: spanId })
    reply.log = request.log
  }
  done()
}

export function startSdk (serviceName: string): Tracing {
  const sdk = new NodeSDK({
    // the service's name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES (read by the SDK's detectors) say
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    instrumentations: [new UndiciInstrumentation()],
    // traces only: metrics are Prometheus' (METRICS_PORT), logs are pino's JSON lines on stdout
    metricReaders: [],
    logRecordProcessors: []
  })
  sdk.start()
  instrumentPg()
  // a span per request and one for its handler (which also carries the request's context into handlers that run
  // after the body was read); none per hook, whose cost would be paid on every request
  const fastifyOtel = new FastifyOtelInstrumentation({ instrumentHooks: false, requestHook: nameSpan })
  const plugin = fp(async (app) => {
    await app.register(fastifyOtel.plugin())
    app.addHook('onRequest', bindLogs)
  }, { name: 'tracing' })
  return { plugin, shutdown: () => sdk.shutdown() }
}
