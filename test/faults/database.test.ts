// Fault: PostgreSQL stopped (fast shutdown) and killed (SIGKILL) under registrations and offer creates: only 2xx, 4xx
// or 503 (never 500, never a dropped connection), 2xx again within 1 s of the database answering, and every
// acknowledged write still in the database afterwards (lost: 0).
import pg from 'pg'
import t from 'tap'
import { boundedLoad, startPrivatePostgres } from '@app/testing'
import {
  clientPool, offerCreate, registration, seller, send, sleep, startStack, uniqueName, type Answer
} from './lib/stack.ts'
import {
  checkWrites, latency, latencyText, recovery, recoveryText, tally, writesText, type Checks, type Samples
} from './lib/report.ts'

const RECOVERY_MS = 1_000
const DOWN_MS = 2_000

const database = await startPrivatePostgres(t)
const { users, offers } = await startStack(t, database)
const owner = await seller(users)

/** 3 clients registering and 3 creating offers: at most 300 writes a second. */
function writeLoad () {
  const usersPool = clientPool(t, users, 3)
  const offersPool = clientPool(t, offers, 3)
  return boundedLoad({ workers: 6, pauseMs: 20, maxRequests: 10_000, maxMs: 30_000 }, (worker) => {
    const name = uniqueName('w')
    return worker % 2 === 0
      ? send(usersPool, 'register', registration(name), name)
      : send(offersPool, 'create', offerCreate(owner, name), name)
  })
}

/** When the database answers a query again (Date.now()), polled every 10 ms. */
async function databaseAnswers (limitMs = 30_000): Promise<number> {
  for (const deadline = Date.now() + limitMs; Date.now() < deadline; await sleep(10)) {
    const client = new pg.Client({ connectionString: database.adminUrl, connectionTimeoutMillis: 500 })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.query('select 1')
      return Date.now()
    } catch {
      // not yet
    } finally {
      await client.end().catch(() => {})
    }
  }
  throw new Error(`the database did not answer within ${limitMs} ms`)
}

const written = (a: Answer) => a.status >= 200 && a.status < 300
const allowed = (a: Answer) => written(a) || (a.status >= 400 && a.status < 500) ||
  (a.status === 503 && a.code === 'DATABASE_UNAVAILABLE' && a.retryAfter === '2')

const summary: string[] = []
const all: Samples = []

async function outage (t: Checks, fault: string, down: () => Promise<void>) {
  const load = writeLoad()
  await sleep(1_000)
  await down()
  await sleep(DOWN_MS)
  await database.start()
  const answersAt = await databaseAnswers()
  await sleep(2_000)
  const samples = await load.stop()
  all.push(...samples)
  const unavailable = samples.filter((s) => s.result.status === 503)
  const back = recovery(samples, answersAt, written, RECOVERY_MS)
  const lines = [
    `${fault}: ${samples.length} writes (registrations, offer creates): ${tally(samples)}`,
    `${fault}: 503 ${latencyText(latency(unavailable))}`,
    `${fault}: the database answered again; ${recoveryText(back, RECOVERY_MS)}`
  ]
  for (const line of lines) t.comment(line)
  t.same(samples.filter((s) => !allowed(s.result)).map((s) => s.result.status || s.result.error), [],
    'only 2xx, 4xx or 503 DATABASE_UNAVAILABLE with Retry-After: 2; never a 500, never no answer')
  t.ok(unavailable.length > 0, 'the outage was seen')
  t.ok(back.firstGoodMs !== undefined && back.firstGoodMs <= RECOVERY_MS,
    `a 201 within ${RECOVERY_MS} ms of the database answering`)
  t.ok(back.late >= 20, 'writes went on afterwards')
  t.same(back.lateBad.map((s) => s.result.status), [], `every write begun ${RECOVERY_MS} ms later: 2xx`)
  summary.push(...lines)
}

t.test('PostgreSQL stopped (fast shutdown) under writes, then started', (t) =>
  outage(t, 'PostgreSQL stopped', () => database.stop()))

t.test('PostgreSQL killed (SIGKILL) under writes, then started through crash recovery', (t) =>
  outage(t, 'PostgreSQL killed', () => database.kill()))

t.test('every acknowledged write is in the database: lost 0', async (t) => {
  const writes = await checkWrites(database.adminUrl, all)
  const lines = [`registrations: ${writesText(writes.users)}`, `offers: ${writesText(writes.offers)}`]
  for (const line of lines) t.comment(line)
  t.equal(writes.users.lost, 0, 'no acknowledged registration lost')
  t.equal(writes.offers.lost, 0, 'no acknowledged offer lost')
  t.ok(writes.users.acknowledged > 0 && writes.offers.acknowledged > 0, 'both kinds were acknowledged')
  summary.push(...lines.map((l) => `database outages: ${l}`))
})

t.teardown(() => { for (const line of summary) console.log(`faults: ${line}`) })
