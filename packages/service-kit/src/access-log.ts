// One log line per request, when it completes: method, url, status and time, under the request's id.
import fp from 'fastify-plugin'

export const accessLogPlugin = fp(async (app) => {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      req: { method: request.method, url: request.url, remoteAddress: request.ip },
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime
    }, 'request completed')
  })
}, { name: 'access-log' })
