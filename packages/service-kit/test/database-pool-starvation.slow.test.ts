// Password hashing fills libuv's thread pool, where a new connection's SCRAM work queues too: the connection that
// cannot authenticate within connectionTimeoutMillis is a 503 with Retry-After, never a 500. Timing-dependent (its
// hashing jobs are calibrated to outlast the timeout several times over), so in a file of its own.
import { pbkdf2, pbkdf2Sync } from 'node:crypto'
import t from 'tap'
import { createTestDatabase } from '@app/testing'
import { poolApp as app, type Line } from './pool-app.ts'

/** pbkdf2 iterations that take about `ms` on one thread here. */
function iterationsFor (ms: number): number {
  const sample = 20_000
  const started = performance.now()
  pbkdf2Sync('password', 'salt', sample, 64, 'sha512')
  return Math.ceil(sample * ms / Math.max(1, performance.now() - started))
}

t.test('thread pool starved by hashing: a new connection whose SCRAM work waits past connectionTimeoutMillis is ' +
  'a 503 DATABASE_UNAVAILABLE, never a 500', async (t) => {
  const db = await createTestDatabase(t)
  // no warm connections: the request must open one, as a burst beyond the warm minimum does
  const lines: Line[] = []
  const a = await app(t, { url: db.offersUrl, max: 2, min: 0, connectionTimeoutMillis: 300 }, lines)
  // a job on every thread of libuv's pool (4 unless UV_THREADPOOL_SIZE says), each alone well over the 300 ms
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
  const iterations = iterationsFor(800)
  const hashing = Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
    pbkdf2('password', 'salt', iterations, 64, 'sha512', (err) => { if (err) reject(err); else resolve() })
  }))
  const starved = await a.inject({ method: 'GET', url: '/query' })
  t.equal(starved.statusCode, 503)
  t.equal(starved.headers['retry-after'], '2')
  t.match(starved.json(), { code: 'DATABASE_UNAVAILABLE' })
  t.match(lines, [{ msg: 'database unavailable', details: { err: { message: /connection timeout|timeout expired/ } } }],
    'the new connection timed out')
  await Promise.all(hashing)
  t.equal((await a.inject({ method: 'GET', url: '/query' })).statusCode, 200, 'the pool connects once hashing is done')
})
