// One error path: typed domain errors, every error and unknown route as RFC 9457 problem+json; and the response
// schemas a route declares for its error statuses and its empty answers.
import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Problem } from '@app/contracts'
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-errors.ts'

export class AppError extends Error {
  constructor (
    readonly statusCode: number,
    readonly code: string,
    detail: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(detail)
    this.name = 'AppError'
  }
}

/** A request the database could not serve right now: retryable, unlike a 500. */
export function databaseUnavailable (): AppError {
  return new AppError(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly',
    { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) })
}

export function problem (status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  const title = STATUS_CODES[status] ?? 'Error'
  return { type: 'about:blank', title, status, detail, code, ...(errors ? { errors } : {}) }
}

/** Fastify's own client errors, by their code, as our stable codes. */
const fastifyCodes: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_JSON', 'The request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_JSON',
    'The request body is empty but its content-type is application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this service accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'The content-length header does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'BAD_REQUEST', 'The content-type header is invalid'],
  FST_ERR_BAD_URL: [400, 'BAD_URL', 'The URL is not valid (a bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG', 'A part of the path is longer than this service accepts']
}

function validationProblem (error: FastifyError): Problem {
  const where = error.validationContext ?? 'request'
  const errors = (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty
    const extra = (v.params as { additionalProperty?: string }).additionalProperty
    const path = v.instancePath + (missing ? `/${missing}` : extra ? `/${extra}` : '')
    return { path: path || '/', message: extra ? 'is not an accepted property' : v.message ?? 'is invalid' }
  })
  const first = errors[0]
  const detail = first ? `${where}${first.path === '/' ? '' : first.path} ${first.message}` : `Invalid ${where}`
  return problem(400, 'VALIDATION_FAILED', detail, errors)
}

/**
 * A 400 shaped like a schema failure, for the rules JSON Schema cannot say (bytes in UTF-8, fields needed
 * together).
 */
export function invalidField (path: string, message: string): Error {
  return Object.assign(new Error(`body${path} ${message}`), {
    statusCode: 400,
    validationContext: 'body',
    validation: [{ instancePath: path, message, keyword: 'rule', params: {}, schemaPath: '#' }]
  })
}

/**
 * `internal` is true when the cause is ours, not the client's; `outage` when the database is unavailable, which
 * the pool logs once per outage (database.ts), not once per request.
 */
interface Answer { body: Problem, headers: Record<string, string>, internal: boolean, outage?: boolean }

/** The problem for any thrown error. */
export function toProblem (error: FastifyError | AppError | Error): Answer {
  if (error instanceof AppError) {
    return { body: problem(error.statusCode, error.code, error.message), headers: error.headers, internal: false }
  }
  const fe = error as FastifyError
  if (fe.validation) return { body: validationProblem(fe), headers: {}, internal: false }
  const known = fe.code ? fastifyCodes[fe.code] : undefined
  if (known) return { body: problem(...known), headers: {}, internal: false }
  const status = fe.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return { body: problem(status, 'BAD_REQUEST', STATUS_CODES[status] ?? 'Bad request'), headers: {}, internal: false }
  }
  if (isDatabaseUnavailable(error)) return { ...toProblem(databaseUnavailable()), outage: true }
  return { body: problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred'), headers: {}, internal: true }
}

/** Answers any error as problem+json, logged as ours (500) or the client's (4xx, 503); an outage is logged apart. */
function sendProblem (error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { body, headers, internal, outage } = toProblem(error)
  if (internal) request.log.error({ err: error }, 'request failed')
  else if (!outage) request.log.info({ code: body.code, status: body.status }, 'request refused')
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body)
}

/** Fastify's `frameworkErrors`: the router's own errors (a bad URL encoding, too long a parameter) go the same way. */
export function frameworkErrors (error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(error, request, reply)
}

export const problemPlugin = fp(async (app) => {
  app.setErrorHandler((error, request, reply) => sendProblem(error as Error, request, reply))
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).type('application/problem+json')
      .send(problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`))
  })
}, { name: 'problem-json' })

/** The problem+json response: documented under its own media type, serialized with its schema. */
export const problemResponse = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: Problem } }
}

/**
 * `{ [status]: problem+json }` for the given statuses, plus what any route can answer: 500, and 503 (the
 * database unavailable, the process shutting down).
 */
export function problems (...statuses: number[]): Record<number, typeof problemResponse> {
  return Object.fromEntries([...statuses, 500, 503].map((s) => [s, problemResponse]))
}

/** A JSON body can also be malformed (400), too large (413) or of another media type (415). */
export const bodyProblems = [400, 413, 415] as const

/** An empty 204 answer, as the OpenAPI document shows it. */
export const NoContent = { type: 'null', description: 'No content' } as const

/** 204 with no body at all: `send(null)` would put the text "null" on the wire. */
export function noContent (reply: FastifyReply): FastifyReply {
  return reply.code(204).send()
}
