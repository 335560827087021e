// Fault: Offers killed (SIGKILL) and Offers hung (SIGSTOP, then SIGCONT) under GET /user/{id}/ load on Users: only
// 200 or 503 OFFERS_UNAVAILABLE, each 503 within the Offers budget, and 200s again within 1 s of Offers answering.
import t from 'tap'
import { boundedLoad, createTestDatabase, type ServiceProcess } from '@app/testing'
import {
  answersHealth, clientPool, expectStatus, offerCreate, OFFERS_TIMEOUT_MS, seller, send, sleep, startStack,
  type Answer
} from './lib/stack.ts'
import { latency, latencyText, recovery, recoveryText, tally, type Checks, type Samples } from './lib/report.ts'

/** What a loaded 2-core machine may add to the budget: Users' own work, timers, the answer's way back. */
const SLACK_MS = 1_000
const RECOVERY_MS = 1_000
const OFFERS_PER_USER = 3

const stack = await startStack(t, await createTestDatabase(t))
const { users } = stack
let offers: ServiceProcess = stack.offers
const owner = await seller(users)
const offersPool = clientPool(t, offers, 1)
for (let i = 0; i < OFFERS_PER_USER; i++) {
  await expectStatus(201, send(offersPool, 'create', offerCreate(owner, `offer ${i}`)))
}
await offersPool.close()

/** 8 clients reading the owner's profile, which holds their offers from Offers: at most 400 requests a second. */
function readLoad () {
  const pool = clientPool(t, users, 8)
  return boundedLoad({ workers: 8, pauseMs: 20, maxRequests: 20_000, maxMs: 30_000 },
    () => send(pool, 'read', { path: `/user/${owner.id}/`, headers: owner.auth }))
}

/** A real profile, never a user with a fake empty list. */
const complete = (a: Answer) =>
  a.status === 200 && (a.body as { offers?: unknown[] }).offers?.length === OFFERS_PER_USER
const offersUnavailable = (a: Answer) => a.status === 503 && a.code === 'OFFERS_UNAVAILABLE' && a.retryAfter === '2'

function judge (t: Checks, fault: string, samples: Samples, healthAt: number) {
  const unavailable = samples.filter((s) => offersUnavailable(s.result))
  const other = samples.filter((s) => !complete(s.result) && !offersUnavailable(s.result))
  const slow = latency(unavailable)
  const back = recovery(samples, healthAt, complete, RECOVERY_MS)
  const lines = [
    `${fault}: ${samples.length} × GET /user/{id}/: ${tally(samples)}`,
    `${fault}: 503 OFFERS_UNAVAILABLE ${latencyText(slow)} (budget ${OFFERS_TIMEOUT_MS} ms)`,
    `${fault}: Offers answered /health again; ${recoveryText(back, RECOVERY_MS)}`
  ]
  for (const line of lines) t.comment(line)
  t.same(other.map((s) => s.result.status), [], 'only 200 with the offers, or 503 OFFERS_UNAVAILABLE, Retry-After: 2')
  t.ok(unavailable.length > 0, 'the fault was seen')
  t.ok(slow.max <= OFFERS_TIMEOUT_MS + SLACK_MS, `every 503 within the budget (+${SLACK_MS} ms)`)
  t.ok(back.firstGoodMs !== undefined && back.firstGoodMs <= RECOVERY_MS,
    `a 200 within ${RECOVERY_MS} ms of Offers answering`)
  t.ok(back.late >= 20, 'requests went on afterwards')
  t.same(back.lateBad.map((s) => s.result.status), [], `every request begun ${RECOVERY_MS} ms later: 200`)
  return lines
}

const summary: string[] = []

t.test('Offers killed (SIGKILL) under load, then started again on its port', async (t) => {
  const load = readLoad()
  await sleep(1_000)
  offers.child.kill('SIGKILL')
  await offers.exited
  await sleep(2_000)
  offers = await stack.startOffers()
  const healthAt = await answersHealth(offers)
  await sleep(2_000)
  summary.push(...judge(t, 'Offers killed', await load.stop(), healthAt))
})

t.test('Offers hung (SIGSTOP) under load for twice the budget, then resumed (SIGCONT)', async (t) => {
  const load = readLoad()
  await sleep(1_000)
  offers.child.kill('SIGSTOP')
  // a test that fails here must not leave a stopped process behind for the teardown's SIGTERM to wait on
  t.teardown(() => { offers.child.kill('SIGCONT') })
  await sleep(2 * OFFERS_TIMEOUT_MS)
  offers.child.kill('SIGCONT')
  const healthAt = await answersHealth(offers)
  await sleep(2_000)
  summary.push(...judge(t, 'Offers hung', await load.stop(), healthAt))
})

t.teardown(() => { for (const line of summary) console.log(`faults: ${line}`) })
