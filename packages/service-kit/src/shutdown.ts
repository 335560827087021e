// Stopping without losing a request behind a balancer. On a signal (server.ts) the process first drains: /ready
// answers 503 so the balancer's health check takes it out of rotation, while every request is still served and
// its answer carries Connection: close, so a keep-alive client (the balancer) reconnects, elsewhere. After
// drainMs the server closes: requests in flight finish, and one that still arrives on an open connection is
// answered 503 SHUTTING_DOWN as problem+json, with Retry-After and Connection: close. Fastify's own answer there
// (return503OnClosing) is plain JSON of its own shape, so app.ts turns it off.
import { setTimeout as sleep } from 'node:timers/promises'
import fp from 'fastify-plugin'
import { AppError } from './problems.ts'

export const shuttingDown = () => new AppError(503, 'SHUTTING_DOWN', 'This instance is shutting down; try again',
  { 'retry-after': '1', connection: 'close' })

export interface Shutdown {
  /** how long drain() keeps serving */
  readonly drainMs: number
  /** true from drain() on: /ready answers 503 SHUTTING_DOWN and every answer says Connection: close */
  readonly draining: boolean
  /** stops being ready and keeps serving for drainMs; the caller closes the app afterwards */
  drain: () => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance { shutdown: Shutdown }
}

const SERVING = 0
const DRAINING = 1
const CLOSING = 2

export const shutdownPlugin = fp<{ drainMs: number }>(async (app, { drainMs }) => {
  let state = SERVING
  app.decorate('shutdown', {
    drainMs,
    get draining () { return state !== SERVING },
    async drain () {
      if (state !== SERVING) return
      state = DRAINING
      await sleep(drainMs)
    }
  })
  // preClose runs as close begins, before the server stops accepting connections
  app.addHook('preClose', async () => { state = CLOSING })
  // a callback hook: no promise per request on the hot path
  app.addHook('onRequest', (_request, reply, done) => {
    if (state === SERVING) return done()
    if (state === CLOSING) return done(shuttingDown())
    reply.header('connection', 'close')
    done()
  })
}, { name: 'shutdown' })
