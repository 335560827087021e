// The OpenTelemetry Node SDK and the instrumentations this service needs, loaded by tracing.ts only when traces are
// on: @fastify/otel for the request spans, undici's for the call to Offers (W3C traceparent), pg's for statements.
import { FastifyOtelInstrumentation } from '@fastify/otel'
import type { Span } from '@opentelemetry/api'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import pg from 'pg'
import { TRACE_IDS } from './logging.ts'
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

/**
 * Server spans are named as the semantic conventions say, "GET /user/:id/", rather than "request"; and url.path is
 * the path, the query string going to url.query (@fastify/otel records the whole URL as the path).
 */
function nameSpan (span: Span, request: FastifyRequest): void {
  const route = request.routeOptions.url
  if (route) span.updateName(`${request.method} ${route}`)
  const query = request.url.indexOf('?')
  if (query !== -1) {
    span.setAttributes({ 'url.path': request.url.slice(0, query), 'url.query': request.url.slice(query + 1) })
  }
}

/** Every line logged for the request (its access line too) carries the ids of the request's span (logging.ts). */
function bindLogs (request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  const span = request.opentelemetry().span
  if (span) {
    const { traceId, spanId } = span.spanContext()
    request.log[TRACE_IDS] = { trace_id: traceId, span_id: spanId }
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
  // a span per request; none per hook or handler, whose cost would be paid on every request (the handler runs in
  // the request's context without one: its statements and its call to Offers are children of the request span,
  // even when the body arrives after the headers, as tested). A failed request's span is marked as an error with
  // its message, but carries no exception event: formatting a stack for every 401 or 429 would cost most exactly
  // under a flood of them.
  const fastifyOtel = new FastifyOtelInstrumentation({
    instrumentHooks: false, instrumentHandler: false, recordExceptions: false, requestHook: nameSpan
  })
  const plugin = fp(async (app) => {
    await app.register(fastifyOtel.plugin())
    app.addHook('onRequest', bindLogs)
  }, { name: 'tracing' })
  return { plugin, shutdown: () => sdk.shutdown() }
}
