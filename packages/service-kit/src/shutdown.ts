// While the server closes, a request that still arrives on an open connection is answered 503 SHUTTING_DOWN as
// problem+json, with Retry-After and Connection: close so a keep-alive client reconnects (to another instance).
// Fastify's own answer there (return503OnClosing) is plain JSON of its own shape, so app.ts turns it off.
import fp from 'fastify-plugin'
import { AppError } from './problems.ts'

const shuttingDown = () => new AppError(503, 'SHUTTING_DOWN', 'This instance is shutting down; try again',
  { 'retry-after': '1', connection: 'close' })

export const shutdownPlugin = fp(async (app) => {
  let closing = false
  // preClose runs as close begins, before the server stops accepting connections
  app.addHook('preClose', async () => { closing = true })
  // a callback hook: no promise per request on the hot path
  app.addHook('onRequest', (_request, _reply, done) => done(closing ? shuttingDown() : undefined))
}, { name: 'shutdown' })
