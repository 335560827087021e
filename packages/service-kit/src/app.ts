// The Fastify instance both services start from: HTTPS, logs and request ids, strict validation, problem+json,
// the database pool, access tokens, docs and health.
import Fastify, { LogController } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { authPlugin, type AuthOptions } from './auth.ts'
import { databaseAnswers, databasePlugin, type DbOptions } from './database.ts'
import { docsPlugin, type DocsOptions } from './docs.ts'
import { healthRoutes } from './health.ts'
import { genReqId, loggerOptions, requestLogPlugin } from './logging.ts'
import { problemPlugin } from './problems.ts'
import { validatorCompiler } from './validation.ts'

export interface ServiceAppOptions {
  docs: DocsOptions
  logLevel: string
  /** PEM strings; the server speaks HTTPS only. Left out only by tests that use app.inject. */
  tls?: { key: string, cert: string }
  bodyLimit?: number
  database: DbOptions
  auth: AuthOptions
}

function fastify ({ tls, logLevel, bodyLimit = 64 * 1024 }: ServiceAppOptions) {
  return Fastify({
    ...(tls ? { https: { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' as const } } : {}),
    logger: loggerOptions(logLevel),
    genReqId,
    requestIdHeader: false,
    // one line per request (requestLogPlugin) instead of Fastify's two: half the log writes on the hot path
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 }
  }).withTypeProvider<TypeBoxTypeProvider>()
}

export type App = ReturnType<typeof fastify>

export async function createServiceApp (opts: ServiceAppOptions): Promise<App> {
  const app = fastify(opts)
  app.setValidatorCompiler(validatorCompiler())
  // Bodies are JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')
  await app.register(requestLogPlugin)
  await app.register(problemPlugin)
  await app.register(databasePlugin, opts.database)
  await app.register(authPlugin, opts.auth)
  await app.register(docsPlugin, opts.docs)
  await app.register(healthRoutes, { ready: () => databaseAnswers(app.db) })
  return app
}
