// Logs: pino JSON lines with every secret we know of redacted, an x-request-id on every request and answer,
// and one access-log line per request.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.current_password',
  '*.refresh_token',
  '*.access_token',
  '*.token',
  'body.password',
  'body.current_password',
  'body.refresh_token'
]

/** Where tracing (tracing-sdk.ts) puts the ids of a request's span: on the request's own child logger. */
export const TRACE_IDS: unique symbol = Symbol('trace ids')

export interface TraceIds { trace_id: string, span_id: string }

declare module 'fastify' {
  interface FastifyBaseLogger {
    [TRACE_IDS]?: TraceIds
  }
}

/**
 * With traces on, every line a request's logger writes carries its span's ids: read off the logger by a mixin,
 * rather than bound by a second child logger per request (pino serialises a child's bindings when it is made).
 * pino merges the line into the object the mixin returns, so a fresh one each time.
 */
function traceMixin (_line: object, _level: number, logger: FastifyBaseLogger): object {
  const ids = logger[TRACE_IDS]
  return ids ? { trace_id: ids.trace_id, span_id: ids.span_id } : {}
}

export function loggerOptions (level: string, traced = false): FastifyServerOptions['logger'] {
  if (level === 'silent') return false
  return { level, redact: { paths: redactedPaths, censor: '[redacted]' }, ...(traced ? { mixin: traceMixin } : {}) }
}

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/

/** x-request-id: taken from the request when it is a sane token, made otherwise. */
export function genReqId (req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID()
}

/** Echoes the request id on every answer, and writes one line per request when it completes. */
export const requestLogPlugin = fp(async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      req: { method: request.method, url: request.url, remoteAddress: request.ip },
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime
    }, 'request completed')
  })
}, { name: 'request-log' })
