// Two Users and two Offers replicas behind HAProxy under a steady mixed load: a rolling restart (SIGTERM, drain,
// restart, back in rotation, next) loses no request; SIGKILL of one Offers replica costs at most the requests in
// flight on it, and GET /user/{id}/ keeps answering 200 through the other.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  call, createTestDatabase, DRAIN_MS, percentile, startLoad, startReplicaCluster, type LoadStats, type Operation
} from '@app/testing'

t.setTimeout(240_000)
const WORKERS = 6
const db = await createTestDatabase(t)
const cluster = await startReplicaCluster(t, {
  database: db,
  usersEnv: {
    LOGIN_MAX_PER_IP_PER_MINUTE: '100000',
    LOGIN_MAX_FAILURES: '100000',
    REGISTER_MAX_PER_IP_PER_HOUR: '100000'
  }
})
const runner = cluster.client('127.0.2.1')

interface Account { id: number, username: string, password: string, access: string, refresh: string }

/** Setup throws rather than asserts: nothing is measured until it has worked. */
async function expect<T> (status: number, answer: Promise<{ status: number, body: T }>): Promise<T> {
  const res = await answer
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}

const accounts: Account[] = []
for (let i = 0; i < WORKERS; i++) {
  const username = `roll_${randomBytes(4).toString('hex')}`
  const password = 'correct horse battery'
  const { id } = await expect<{ id: number }>(201, call(runner, `${cluster.usersUrl}/user/registry/`, {
    json: { username, email: `${username}@example.com`, password }
  }))
  const pair = await expect<{ access_token: string, refresh_token: string }>(200,
    call(runner, `${cluster.usersUrl}/user/auth/`, { json: { username, password } }))
  for (let n = 0; n < 3; n++) {
    await expect(201, call(runner, `${cluster.offersUrl}/offer/create/`, {
      token: pair.access_token, json: { user_id: id, title: `Offer ${n}`, text: 'A chair with four legs.' }
    }))
  }
  accounts.push({ id, username, password, access: pair.access_token, refresh: pair.refresh_token })
}
// each worker speaks from its own address, as its own user
const agents = accounts.map((_, w) => cluster.client(`127.0.2.${w + 10}`))

const userGet: Operation = {
  name: 'user_get',
  weight: 4,
  run: (w, i) => call(agents[w]!, `${cluster.usersUrl}/user/${accounts[i % WORKERS]!.id}/`, {
    token: accounts[w]!.access
  })
}
const offersByUser: Operation = {
  name: 'offers_by_user',
  weight: 3,
  run: (w, i) => call(agents[w]!, `${cluster.offersUrl}/offer/`, { json: { user_id: accounts[i % WORKERS]!.id } })
}
const offerCreate: Operation = {
  name: 'offer_create',
  weight: 1,
  run: (w, i) => call(agents[w]!, `${cluster.offersUrl}/offer/create/`, {
    token: accounts[w]!.access, json: { user_id: accounts[w]!.id, title: `Load ${i}`, text: 'Made under load.' }
  })
}
const mixed: Operation[] = [userGet, offersByUser, offerCreate, {
  name: 'login',
  weight: 1,
  run: (w) => call(agents[w]!, `${cluster.usersUrl}/user/auth/`, {
    json: { username: accounts[w]!.username, password: accounts[w]!.password }
  })
}, {
  name: 'refresh',
  weight: 1,
  // each worker rotates its own session, one call at a time
  run: async (w) => {
    const res = await call(agents[w]!, `${cluster.usersUrl}/user/auth/refresh/`, {
      json: { refresh_token: accounts[w]!.refresh }
    })
    if (res.status === 200) {
      accounts[w]!.refresh = res.body.refresh_token
      accounts[w]!.access = res.body.access_token
    }
    return res
  }
}]

const lost = (s: LoadStats) => s.failed + s.unexpected
/** Requests the balancer sent again (to the same or another server) so far. */
const retried = async () => Object.values(await cluster.balancer.counters())
  .reduce((sum, c) => sum + c.retries + c.redispatches, 0)
const statuses = (s: LoadStats) => Object.entries(s.byStatus).map(([code, n]) => `${code}×${n}`).join(' ')
/** Latencies of one operation that started within [from, to] (performance.now() times). */
const within = (s: LoadStats, op: string, from: number, to: number) =>
  s.latencies[op]!.filter(([at]) => at >= from && at <= to).map(([, d]) => d)

t.test('a rolling restart under a steady mixed load loses no request', async (t) => {
  const load = startLoad(mixed, WORKERS, { maxRequests: 200_000, maxMs: 150_000 })
  await sleep(2_000)
  const before = within(load.stats, 'user_get', 0, performance.now())
  const from = performance.now()
  for (const replica of [...cluster.users, ...cluster.offers]) {
    const started = Date.now()
    const code = await replica.stop('SIGTERM')
    const stopped = Date.now()
    await replica.start()
    await cluster.balancer.waitFor(`${replica.service}/${replica.name}`, 'UP')
    t.equal(code, 0, `${replica.name} exited 0 after its drain`)
    t.comment(`replicas: ${replica.name}: SIGTERM → exit ${code} in ${stopped - started} ms (drain ${DRAIN_MS} ms), ` +
      `back in rotation ${Date.now() - stopped} ms later`)
  }
  const to = performance.now()
  await sleep(1_000)
  await load.stop()
  const s = load.stats
  const during = within(s, 'user_get', from, to)
  const retries = await retried()
  t.comment(`replicas: rolling restart of 4 replicas in ${((to - from) / 1000).toFixed(1)} s under ${WORKERS} ` +
    `clients: ${s.requests} requests (${statuses(s)}), lost: ${lost(s)} (${s.failed} failed, ${s.unexpected} ` +
    `unexpected non-2xx); balancer retries and redispatches: ${retries}`)
  t.comment(`replicas: GET /user/{id}/ p99 during the restart: ${percentile(during, 99).toFixed(1)} ms ` +
    `(p50 ${percentile(during, 50).toFixed(1)} ms, ${during.length} requests); before it: p99 ` +
    `${percentile(before, 99).toFixed(1)} ms`)
  for (const l of s.lost.slice(0, 10)) t.comment(`  ${l.op}: ${l.detail}`)
  t.equal(lost(s), 0, 'lost: 0')
  t.ok(during.length > 0, 'GET /user/{id}/ was measured during the restart')
})

t.test('SIGKILL of one Offers replica costs at most the requests in flight on it', async (t) => {
  const load = startLoad([userGet, offersByUser, offerCreate], WORKERS, { maxRequests: 100_000, maxMs: 60_000 })
  await sleep(1_500)
  const victim = cluster.offers[0]!
  // every request in flight now involves Offers (user_get through Users): an upper bound of those on the victim
  const inFlight = load.stats.inFlight()
  const retriedBefore = await retried()
  const killedAt = performance.now()
  await victim.stop('SIGKILL')
  await cluster.balancer.waitFor(`offers/${victim.name}`, 'DOWN', 10_000)
  const downAt = performance.now()
  await sleep(2_000)
  await load.stop()
  const { lost } = load.stats
  const startedAfterDown = lost.filter((l) => l.startedAt >= downAt).length
  const reads = within(load.stats, 'user_get', downAt, performance.now()).length
  const resent = await retried() - retriedBefore
  t.comment(`replicas: SIGKILL of ${victim.name}: lost ${lost.length} (want ≤ ${inFlight} requests in flight at ` +
    `the kill); the balancer re-sent ${resent} (refused connections, reads without an answer) and marked it ` +
    `DOWN ${(downAt - killedAt).toFixed(0)} ms later; after that ${reads} GET /user/{id}/ with ` +
    `${startedAfterDown} lost`)
  for (const l of lost.slice(0, 10)) {
    t.comment(`  ${l.op} sent ${(killedAt - l.startedAt).toFixed(0)} ms before the kill, ended ` +
      `${(l.endedAt - killedAt).toFixed(0)} ms after it: ${l.detail}`)
  }
  t.ok(lost.length <= inFlight, `lost ${lost.length} ≤ ${inFlight} in flight`)
  t.equal(startedAfterDown, 0, 'nothing sent after the balancer took it out is lost')
  t.ok(reads > 0, 'GET /user/{id}/ went on meanwhile')
  const user = accounts[0]!
  const answers = []
  for (let i = 0; i < 10; i++) {
    answers.push(await call(runner, `${cluster.usersUrl}/user/${user.id}/`, { token: user.access }))
  }
  t.same(answers.map((a) => a.status), Array(10).fill(200), 'GET /user/{id}/ keeps answering 200')
  t.ok(answers.every((a) => Array.isArray(a.body.offers) && a.body.offers.length >= 3), 'with the user\'s offers')
})
