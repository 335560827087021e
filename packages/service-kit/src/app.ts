// The Fastify instance both services start from: HTTPS, logging, request ids, validation, problem+json, docs, health.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { accessLogPlugin } from './access-log.ts'
import { docsPlugin, type DocsOptions } from './docs.ts'
import { healthRoutes } from './health.ts'
import { loggerOptions } from './logging.ts'
import { problemPlugin } from './problem-plugin.ts'
import { genReqId, requestIdPlugin } from './request-id.ts'
import { validatorCompiler } from './validation.ts'

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>

export interface ServiceAppOptions {
  docs: DocsOptions
  logLevel: string
  /** PEM strings; the server speaks HTTPS only. Left out only by tests that use app.inject. */
  tls?: { key: string, cert: string }
  bodyLimit?: number
  /** resolves when the database answers */
  ready: () => Promise<void>
}

export async function createServiceApp (opts: ServiceAppOptions): Promise<App> {
  const app = Fastify({
    ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' as const } } : {}),
    logger: loggerOptions(opts.logLevel),
    genReqId,
    requestIdHeader: false,
    // one line per request (access-log.ts) instead of Fastify's two: half the log writes on the hot path
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 }
  }) as unknown as App
  app.setValidatorCompiler(validatorCompiler())
  // Bodies are JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')
  await app.register(requestIdPlugin)
  await app.register(accessLogPlugin)
  await app.register(problemPlugin)
  await app.register(docsPlugin, opts.docs)
  await app.register(healthRoutes, { ready: opts.ready })
  return app
}
