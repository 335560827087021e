// Health: GET /health (alive, no I/O), GET /ready (the database answers and the process is not stopping, 503
// otherwise), and the container's probe of /health from inside the container.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { FastifyPluginAsync } from 'fastify'
import { Health, Ready } from '@app/contracts'
import { isDatabaseUnavailable } from './database-errors.ts'
import { databaseUnavailable, problems } from './problems.ts'
import { shuttingDown } from './shutdown.ts'

export interface HealthOptions {
  ready: () => Promise<void>
  /** true once the process drains before it stops (shutdown.ts): no new traffic wanted */
  draining: () => boolean
}

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { ready, draining }) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      operationId: 'getHealth',
      summary: 'Liveness',
      description: 'Answers without touching any dependency.',
      response: { 200: Health, ...problems() }
    }
  }, async () => ({ status: 'ok' as const }))

  app.get('/ready', {
    schema: {
      tags: ['health'],
      operationId: 'getReadiness',
      summary: 'Readiness',
      description: 'Answers 200 when the database answers a query, 503 otherwise (also 503 SHUTTING_DOWN while ' +
        'the instance drains before it stops, so a load balancer takes it out of rotation).',
      response: { 200: Ready, ...problems(503) }
    }
  }, async (request) => {
    if (draining()) throw shuttingDown()
    try {
      await ready()
    } catch (err) {
      // an outage is said once by the pool (database.ts); anything else (a refused password) on every probe
      if (!isDatabaseUnavailable(err)) request.log.warn({ err }, 'database not ready')
      throw databaseUnavailable()
    }
    return { status: 'ready' as const }
  })
}

/**
 * True when https://localhost:PORT/health answers 200 with the very certificate in TLS_CERT_FILE. The probe
 * pins that certificate instead of trusting a CA, so it needs no configuration beyond the service's own.
 */
export function probeHealth (env: NodeJS.ProcessEnv, timeoutMs = 2_000): Promise<boolean> {
  let expected: string
  try {
    expected = new X509Certificate(readFileSync(env.TLS_CERT_FILE ?? '')).fingerprint256
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    const req = request({
      host: 'localhost',
      port: Number(env.PORT),
      path: '/health',
      agent: false,
      rejectUnauthorized: false,
      timeout: timeoutMs
    }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerX509Certificate()
      res.resume()
      resolve(res.statusCode === 200 && peer?.fingerprint256 === expected)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}
