// One error path for the whole app: every error and every unknown route answers problem+json.
import fp from 'fastify-plugin'
import { problem, toProblem } from './problem.ts'

export const problemPlugin = fp(async (app) => {
  app.setErrorHandler((error, request, reply) => {
    const { body, headers, internal } = toProblem(error as Error)
    if (internal) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: body.code, status: body.status }, 'request refused')
    return reply.code(body.status).headers(headers).type('application/problem+json').send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).type('application/problem+json')
      .send(problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`))
  })
}, { name: 'problem-json' })
