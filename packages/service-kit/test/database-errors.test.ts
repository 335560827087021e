// The outage classifier over the errors pg really raises: from a real connection, a closed port, and a stand-in
// server that answers the startup message as PostgreSQL does while it starts, stops or refuses.
import { once } from 'node:events'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import t from 'tap'
import pg from 'pg'
import { createTestDatabase, freePort } from '@app/testing'
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, toProblem } from '../src/index.ts'

/** A backend's ErrorResponse message ('E'): severity, SQLSTATE and text, as PostgreSQL writes it. */
function errorResponse (code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`)
  const head = Buffer.alloc(5)
  head.write('E')
  head.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([head, fields])
}

interface Teardown { teardown: (fn: () => void) => void }

/** A server on 127.0.0.1 that treats each connection with `onSocket`; closed at the end of the test. */
async function standIn (t: Teardown, onSocket: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    onSocket(socket)
  }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  return `postgres://app:secret@127.0.0.1:${(server.address() as AddressInfo).port}/app`
}

/** What connecting to `url` fails with. */
async function connectError (url: string, connectionTimeoutMillis = 0): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    return err
  } finally {
    await client.end().catch(() => {})
  }
  throw new Error('connected, but a failure was expected')
}

t.test('connection refused (the server is down or restarting) is an outage', async (t) => {
  // a port that was free a moment ago: nothing listens there
  const err = await connectError(`postgres://app:secret@127.0.0.1:${await freePort()}/app`)
  t.match(err, { code: 'ECONNREFUSED' })
  t.ok(isDatabaseUnavailable(err))
  // a host name with several addresses fails with one error per address, as Node's net gathers them
  t.ok(isDatabaseUnavailable(new AggregateError([err, err], 'connect failed')))
  t.ok(isDatabaseUnavailable(new Error('wrapped', { cause: err })), 'found through a cause')
})

t.test('the server\'s FATAL answers to a new connection while it starts, stops or is full are an outage', async (t) => {
  const cases: Array<[string, string]> = [
    ['57P03', 'the database system is starting up'],
    ['57P03', 'the database system is shutting down'],
    ['57P03', 'the database system is not yet accepting connections'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure']
  ]
  for (const [code, message] of cases) {
    const url = await standIn(t, (socket) => socket.once('data', () => socket.end(errorResponse(code, message))))
    const err = await connectError(url)
    t.ok(err instanceof pg.DatabaseError, `${code}: pg raises a DatabaseError`)
    t.match(err, { code, message })
    t.ok(isDatabaseUnavailable(err), `${code} ${message}`)
  }
})

t.test('a connection closed under the client, and one that never finishes connecting, are an outage', async (t) => {
  const closing = await standIn(t, (socket) => socket.once('data', () => socket.destroy()))
  const cut = await connectError(closing)
  t.match(cut, { message: 'Connection terminated unexpectedly' })
  t.ok(isDatabaseUnavailable(cut))

  // a server that says nothing: what a new connection looks like when its SCRAM work waits in a starved thread pool
  const silent = await standIn(t, () => {})
  const slow = await connectError(silent, 100)
  t.match(slow, { message: 'timeout expired' }, 'a connection\'s own timeout')
  t.ok(isDatabaseUnavailable(slow))

  // in a pool, the pool's timer says it; and with the pool's only connection still connecting, the next caller
  // waits for it, and gives up
  const pool = new pg.Pool({ connectionString: silent, max: 1, connectionTimeoutMillis: 150 })
  const [first, second] = await Promise.allSettled([pool.connect(), pool.connect()])
  await pool.end()
  const reasons = [first, second].map((r) => r.status === 'rejected' ? (r.reason as Error).message : 'connected')
  t.same(reasons.sort(), ['Connection terminated due to connection timeout', 'timeout exceeded when trying to connect'])
  for (const r of [first, second]) t.ok(r.status === 'rejected' && isDatabaseUnavailable(r.reason))
})

t.test('a session the server ends (57P01), and the next query on that connection, are an outage', async (t) => {
  const db = await createTestDatabase(t)
  const client = new pg.Client({ connectionString: db.offersUrl })
  const failures: unknown[] = []
  client.on('error', (err) => failures.push(err))
  await client.connect()
  t.teardown(() => client.end().catch(() => {}))
  const ended = await client.query('select pg_terminate_backend(pg_backend_pid())').catch((err: unknown) => err)
  t.match(ended, { code: '57P01', message: 'terminating connection due to administrator command' })
  t.ok(isDatabaseUnavailable(ended))
  await new Promise((resolve) => setTimeout(resolve, 50))
  const next = await client.query('select 1').catch((err: unknown) => err)
  t.match(next, { message: 'Client has encountered a connection error and is not queryable' })
  t.ok(isDatabaseUnavailable(next), 'what a transaction\'s ROLLBACK meets on a lost connection')
  t.ok(failures.every((err) => isDatabaseUnavailable(err)), 'and what the connection itself emitted')
})

t.test('what is really unexpected is not an outage, and stays a 500', async (t) => {
  const refusedPassword = await connectError(await standIn(t, (socket) =>
    socket.once('data', () => socket.end(errorResponse('28P01', 'password authentication failed for user "app"'))))
  )
  t.match(refusedPassword, { code: '28P01' })
  const db = await createTestDatabase(t)
  const client = new pg.Client({ connectionString: db.offersUrl })
  await client.connect()
  t.teardown(() => client.end())
  const failed = async (sql: string) => client.query(sql).catch((err: unknown) => err)
  const notOutages: unknown[] = [
    refusedPassword,
    await failed('select * from no_such_table'), // 42P01
    await failed('select 1/0'), // 22012
    await failed('set statement_timeout = 1; select pg_sleep(1)'), // 57014 query_canceled
    Object.assign(new pg.DatabaseError('invalid frontend message type', 0, 'error'), { code: '08P01' }),
    new Error('boom'),
    new TypeError('x is not a function'),
    'a string', undefined, null
  ]
  for (const err of notOutages) {
    t.notOk(isDatabaseUnavailable(err), String((err as { code?: string })?.code ?? (err as Error)?.message ?? err))
  }
  const looped: Error & { cause?: unknown } = new Error('loop')
  looped.cause = looped
  t.notOk(isDatabaseUnavailable(looped), 'a cause that refers to itself ends')
  t.match(toProblem(notOutages[1] as Error), { body: { status: 500, code: 'INTERNAL_ERROR' }, internal: true })
})

t.test('an outage answers 503 DATABASE_UNAVAILABLE with Retry-After, logged apart from the request', async (t) => {
  const err = await connectError(`postgres://app:secret@127.0.0.1:${await freePort()}/app`)
  t.same(toProblem(err as Error), {
    body: {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database is unavailable; retry shortly',
      code: 'DATABASE_UNAVAILABLE'
    },
    headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    internal: false,
    outage: true
  })
  t.ok(DATABASE_RETRY_AFTER_SECONDS >= 1 && DATABASE_RETRY_AFTER_SECONDS <= 5)
})
