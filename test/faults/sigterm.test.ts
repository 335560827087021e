// Fault: SIGTERM to a service under load, as a rolling restart sends it: every request the service had received
// before the signal answered 2xx, later ones 503 SHUTTING_DOWN or refused, the process gone well within its grace,
// and every acknowledged write in the database (lost: 0).
import pg from 'pg'
import t from 'tap'
import { SHUTDOWN_GRACE_MS } from '@app/service-kit'
import { boundedLoad, createTestDatabase, type Sample, type ServiceProcess } from '@app/testing'
import {
  answersHealth, clientPool, offerCreate, registration, seller, send, sleep, startStack, uniqueName, type Answer,
  type Call
} from './lib/stack.ts'
import { checkWrites, tally, writesText, type Checks, type Samples } from './lib/report.ts'
import { readShutdownLog } from './lib/service-log.ts'

const db = await createTestDatabase(t)
const stack = await startStack(t, db)
const owner = await seller(stack.users)
let offers: ServiceProcess = stack.offers

const WRITERS = 3
const HOLD_MS = 300

/**
 * 3 clients writing (`op`, each write named uniquely) and 3 reading, one keep-alive connection each: at most 600
 * requests a second.
 */
function load (service: ServiceProcess, op: 'register' | 'create', write: (name: string) => Call, read: Call) {
  const pool = clientPool(t, service, 2 * WRITERS)
  return boundedLoad({ workers: 2 * WRITERS, pauseMs: 10, maxRequests: 10_000, maxMs: 30_000 }, (worker) => {
    if (worker % 2 === 1) return send(pool, 'read', read)
    const name = uniqueName('s')
    return send(pool, op, write(name), name)
  })
}

const ok = (a: Answer) => a.status >= 200 && a.status < 300
const shuttingDown = (a: Answer) => a.status === 503 && a.code === 'SHUTTING_DOWN' && a.retryAfter === '1'

const summary: string[] = []

/**
 * Holds the writes to `table` back with a lock until the returned release: they wait in the database, received and
 * not answered yet, each of the writing clients with one, when the signal comes.
 */
async function holdWrites (table: string) {
  const session = new pg.Client({ connectionString: db.adminUrl })
  await session.connect()
  await session.query('begin')
  await session.query(`lock table ${table} in share mode`)
  const waiting = async () => (await session.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]!.n
  for (const deadline = Date.now() + 5_000; await waiting() < WRITERS && Date.now() < deadline;) await sleep(10)
  return async () => {
    await session.query('rollback')
    await session.end()
  }
}

/** SIGTERM after a second of load; the load goes on half a second after the exit, against a closed port. */
async function sigterm (
  t: Checks, name: string, service: ServiceProcess, running: ReturnType<typeof load>, table: string
) {
  await sleep(1_000)
  const release = await holdWrites(table)
  const signalAt = Date.now()
  service.child.kill('SIGTERM')
  await sleep(HOLD_MS)
  await release()
  await service.exited
  const exitMs = Date.now() - signalAt
  await sleep(500)
  const samples: Samples = await running.stop()
  const log = readShutdownLog(service.output())
  const signalFrom = log.signalFrom ?? signalAt
  const logged = (s: Sample<Answer>) => log.requests.get(s.result.id)
  const receivedBefore = samples.filter((s) => (logged(s)?.receivedBy ?? Infinity) <= signalFrom)
  const inFlight = receivedBefore.filter((s) => logged(s)!.answeredFrom >= signalFrom)
  const unanswered = samples.filter((s) => s.result.status === 0)
  const writes = await checkWrites(db.adminUrl, samples)
  const acked = name === 'Users' ? writes.users : writes.offers
  const lines = [
    `SIGTERM to ${name}: ${samples.length} requests: ${tally(samples)}`,
    `SIGTERM to ${name}: ${receivedBefore.length} received before the signal: ${tally(receivedBefore)}; ` +
      `of them in flight at the signal (${WRITERS} writes held ${HOLD_MS} ms in the database): ${tally(inFlight)}`,
    `SIGTERM to ${name}: exited ${service.child.exitCode} after ${exitMs} ms (grace ${SHUTDOWN_GRACE_MS} ms); ` +
      `writes ${writesText(acked)}`
  ]
  for (const line of lines) t.comment(line)
  t.ok(log.signalFrom !== undefined, 'the service logged the signal')
  t.ok(inFlight.length >= WRITERS, 'requests were in flight when the signal came')
  t.same(receivedBefore.filter((s) => !ok(s.result)).map((s) => s.result.status || s.result.error), [],
    'every request received before the signal answered 2xx')
  t.same(samples.filter((s) => !ok(s.result) && !shuttingDown(s.result) && s.result.status !== 0)
    .map((s) => s.result.status), [], 'the others: 2xx, 503 SHUTTING_DOWN with Retry-After: 1, or no connection')
  t.same(unanswered.filter((s) => log.requests.has(s.result.id)).map((s) => s.result.error), [],
    'no request the service answered went unanswered at the client')
  t.ok(unanswered.length > 0, 'the load went on after the exit (connection refused)')
  t.equal(service.child.exitCode, 0, 'exit code 0')
  t.ok(exitMs < SHUTDOWN_GRACE_MS, `exited within the grace (${SHUTDOWN_GRACE_MS} ms)`)
  t.equal(acked.lost, 0, 'lost: 0')
  summary.push(...lines)
}

t.test('SIGTERM to Offers under offer creates and reads', async (t) => {
  const running = load(offers, 'create', (title) => offerCreate(owner, title), {
    path: '/offer/', json: { user_id: owner.id }
  })
  await sigterm(t, 'Offers', offers, running, 'offers.offers')
  // a rolling restart: the next instance on the same port, which Users needs for the next test
  offers = await stack.startOffers()
  await answersHealth(offers)
})

t.test('SIGTERM to Users under registrations and profile reads', async (t) => {
  const running = load(stack.users, 'register', registration, { path: `/user/${owner.id}/`, headers: owner.auth })
  await sigterm(t, 'Users', stack.users, running, 'users.users')
})

t.teardown(() => { for (const line of summary) console.log(`faults: ${line}`) })
