// The Fastify instance both services start from: HTTPS, logs and request ids, strict validation, problem+json,
// the database pool, access tokens, docs and health.
import helmet from '@fastify/helmet'
import proxyAddr from '@fastify/proxy-addr'
import Fastify, { LogController } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { authPlugin, type AuthOptions, type PublicJwk } from './auth.ts'
import { clientErrorHandler } from './client-errors.ts'
import { connectionDefaults, fastifyServerOptions, nodeServerOptions, type ConnectionBounds } from './connections.ts'
import { databaseAnswers, databasePlugin, type DbOptions } from './database.ts'
import { docsPlugin, type DocsOptions } from './docs.ts'
import { healthRoutes } from './health.ts'
import { metricsPlugin, type MetricsOptions } from './metrics.ts'
import { strictJsonBodies } from './json-body.ts'
import { genReqId, loggerOptions, requestLogPlugin } from './logging.ts'
import { frameworkErrors, problemPlugin } from './problems.ts'
import { trustedProxies } from './config.ts'
import { shutdownPlugin } from './shutdown.ts'
import { activeTracing } from './tracing.ts'
import { validatorCompiler } from './validation.ts'

export interface ServiceAppOptions {
  docs: DocsOptions
  logLevel: string
  /** PEM strings; the server speaks HTTPS only. Left out only by tests that use app.inject. */
  tls?: { key: string, cert: string }
  bodyLimit?: number
  /** each stage of a connection bounded; connectionDefaults where left out */
  connections?: ConnectionBounds
  database: DbOptions
  auth: AuthOptions
  /** the proxies (addresses, CIDR ranges) whose X-Forwarded-For is believed; none when left out */
  trustProxy?: string[]
  /** how long a stopping process keeps serving while /ready says 503 (shutdown.ts); 0 when left out */
  drainMs?: number
  /** Prometheus metrics on their own listener (metrics.ts); off when left out */
  metrics?: MetricsOptions
}

/**
 * Mozilla's "intermediate" TLS: TLS 1.3 as is; on TLS 1.2 only ECDHE key exchange with AEAD ciphers (no CBC, no
 * SHA-1 MAC, no CCM8, no ARIA); nothing older than 1.2.
 */
const TLS = {
  minVersion: 'TLSv1.2' as const,
  ciphers: [
    'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'
  ].join(':'),
  honorCipherOrder: true
}

function fastify (
  { tls, logLevel, bodyLimit = 64 * 1024, connections = connectionDefaults, trustProxy = [] }: ServiceAppOptions
) {
  const node = nodeServerOptions(connections)
  // one trust function for request.ip (rate limits, the access log) and the `client` of every log line
  const trusted = trustProxy.length ? proxyAddr.compile(trustProxy) : undefined
  const app = Fastify({
    ...(tls
      ? { https: { key: tls.key, cert: tls.cert, ...TLS, handshakeTimeout: connections.handshakeTimeoutMs, ...node } }
      : { http: node }),
    logger: loggerOptions(logLevel, activeTracing() !== undefined),
    genReqId,
    requestIdHeader: false,
    trustProxy: trusted ?? false,
    // every line logged inside a request names the client: behind a trusted proxy, the address it forwarded
    childLoggerFactory: (logger, bindings, options, rawReq) => logger.child({
      ...bindings,
      client: trusted && rawReq.socket ? proxyAddr(rawReq, trusted) : rawReq.socket?.remoteAddress
    }, options),
    // the router's own errors (a bad URL encoding, too long a parameter) are problem+json too
    frameworkErrors,
    // ...and so are the HTTP parser's (client-errors.ts) and the 503 while closing (shutdown.ts)
    clientErrorHandler,
    return503OnClosing: false,
    // one line per request (requestLogPlugin) instead of Fastify's two: half the log writes on the hot path
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    ...fastifyServerOptions(connections),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 }
  })
  // beyond the cap Node closes a new socket as soon as it is accepted, before any TLS work or memory is spent
  app.server.maxConnections = connections.maxConnections
  return app.withTypeProvider<TypeBoxTypeProvider>()
}

export type App = ReturnType<typeof fastify>

/** The settings both services have (config.ts's commonConfig), and the material server.ts reads from files. */
export interface BaseConfig {
  LOG_LEVEL: string
  DATABASE_URL: string
  DB_POOL_MAX: number
  DB_POOL_MIN: number
  JWT_ISSUER: string
  JWT_AUDIENCE: string
  ACCESS_TOKEN_TTL_SECONDS: number
  TLS_HANDSHAKE_TIMEOUT_MS: number
  CONNECTION_IDLE_TIMEOUT_MS: number
  HEADERS_TIMEOUT_MS: number
  REQUEST_TIMEOUT_MS: number
  KEEP_ALIVE_TIMEOUT_MS: number
  MAX_CONNECTIONS: number
  TRUST_PROXY: string
  SHUTDOWN_DRAIN_MS: number
  HOST: string
  METRICS_PORT: number
  METRICS_HOST?: string
  tls?: { key: string, cert: string }
  publicKeys: PublicJwk[]
}

/** The options both services build their app with, the same way from the same settings. */
export function baseOptions (config: BaseConfig): Omit<ServiceAppOptions, 'docs'> {
  return {
    logLevel: config.LOG_LEVEL,
    ...(config.tls ? { tls: config.tls } : {}),
    connections: {
      handshakeTimeoutMs: config.TLS_HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: config.CONNECTION_IDLE_TIMEOUT_MS,
      headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: config.MAX_CONNECTIONS
    },
    database: { url: config.DATABASE_URL, max: config.DB_POOL_MAX, min: config.DB_POOL_MIN },
    trustProxy: trustedProxies(config.TRUST_PROXY),
    drainMs: config.SHUTDOWN_DRAIN_MS,
    metrics: {
      ...(config.METRICS_PORT ? { port: config.METRICS_PORT } : {}),
      host: config.METRICS_HOST ?? config.HOST
    },
    auth: {
      publicKeys: config.publicKeys,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      maxAgeSeconds: config.ACCESS_TOKEN_TTL_SECONDS
    }
  }
}

export async function createServiceApp (opts: ServiceAppOptions): Promise<App> {
  const app = fastify(opts)
  // first, so that every route and hook registered after it is inside the request's span (tracing.ts)
  const tracing = activeTracing()
  if (tracing) await app.register(tracing.plugin)
  app.setValidatorCompiler(validatorCompiler())
  // Bodies are JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')
  strictJsonBodies(app)
  await app.register(requestLogPlugin)
  await app.register(problemPlugin)
  await app.register(shutdownPlugin, { drainMs: opts.drainMs ?? 0 })
  // HSTS and nosniff on every answer; JSON answers may load nothing and be framed by no one (docs.ts sets the
  // docs page's own policy)
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    hsts: { maxAge: 31_536_000, includeSubDomains: true }
  })
  await app.register(databasePlugin, opts.database)
  // before any route, so that every route and the not-found handler are timed
  await app.register(metricsPlugin, opts.metrics ?? { host: 'localhost' })
  await app.register(authPlugin, opts.auth)
  await app.register(docsPlugin, opts.docs)
  await app.register(healthRoutes, { ready: () => databaseAnswers(app.db), draining: () => app.shutdown.draining })
  return app
}
