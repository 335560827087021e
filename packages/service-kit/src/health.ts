// GET /health (alive, no I/O) and GET /ready (the database answers, 503 otherwise).
import type { FastifyPluginAsync } from 'fastify'
import { Health, Ready } from '@app/contracts'
import { AppError } from './problem.ts'
import { problems } from './responses.ts'

export interface HealthOptions { ready: () => Promise<void> }

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { ready }) => {
  app.get('/health', {
    schema: { tags: ['health'], summary: 'Liveness', description: 'Answers without touching any dependency.', response: { 200: Health, ...problems() } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/ready', {
    schema: {
      tags: ['health'],
      summary: 'Readiness',
      description: 'Answers 200 when the database answers a query, 503 otherwise.',
      response: { 200: Ready, ...problems(503) }
    }
  }, async (request) => {
    try {
      await ready()
    } catch (err) {
      request.log.warn({ err }, 'database not ready')
      throw new AppError(503, 'DATABASE_UNAVAILABLE', 'The database does not answer')
    }
    return { status: 'ready' as const }
  })
}
