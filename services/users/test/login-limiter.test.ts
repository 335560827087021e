// The failure limiter and its in-memory store, on a clock the test moves: sliding windows, Retry-After, the key cap.
import t from 'tap'
import { AppError } from '@app/service-kit'
import { memoryAttemptStore } from '../src/auth/attempt-store.ts'
import { createLoginLimiter } from '../src/auth/login-limiter.ts'

const alice = { username: 'alice', address: '192.0.2.1' }

function harness (maxFailures = 3, windowSeconds = 60) {
  let now = 1_000_000
  const store = memoryAttemptStore()
  t.teardown(() => store.close())
  const limiter = createLoginLimiter({
    store,
    maxFailures,
    maxFailuresPerUsername: 1000,
    windowSeconds,
    now: () => now
  })
  const fail = () => limiter.guard(alice, async () => undefined)
  const succeed = () => limiter.guard(alice, async () => 42)
  return { store, limiter, fail, succeed, tick: (ms: number) => { now += ms } }
}

const refused = async (p: Promise<unknown>) => p.then(() => undefined, (err: AppError) => err)

t.test('sliding window: each failure leaves it on its own; ' +
  'Retry-After says when the next attempt may come', async (t) => {
  const h = harness()
  await h.fail()
  h.tick(10_000)
  await h.fail()
  h.tick(10_000)
  await h.fail()
  const err = await refused(h.succeed())
  t.match(err, { statusCode: 429, code: 'TOO_MANY_FAILED_LOGINS' })
  t.equal(err?.headers['retry-after'], '40', 'the oldest failure leaves the window in 40 s')
  h.tick(40_000)
  t.equal(await h.succeed(), 42, 'one failure has left: allowed')
  await h.fail()
  const again = await refused(h.fail())
  t.equal(again?.headers['retry-after'], '10', 'the next oldest leaves 10 s later')
})

t.test('refused attempts and successes do not count; a thrown attempt does not either', async (t) => {
  const h = harness(2)
  await h.fail()
  for (let i = 0; i < 5; i++) t.equal(await h.succeed(), 42)
  await t.rejects(h.limiter.guard(alice, async () => { throw new Error('database down') }), /database down/)
  await h.fail()
  for (let i = 0; i < 3; i++) t.ok(await refused(h.fail()))
  h.tick(60_001)
  t.equal(await h.succeed(), 42, 'refusals did not extend the window')
})

t.test('failures are evicted by age, never by pressure: ' +
  'a spray of new names cannot flush a victim\'s record', async (t) => {
  const store = memoryAttemptStore({ maxKeys: 2 })
  t.teardown(() => store.close())
  await store.add('victim', 1, 1000)
  await store.add('spray-1', 2, 1000)
  await t.rejects(store.add('spray-2', 3, 1000), { statusCode: 503, code: 'LOGIN_BUSY' }, 'full: a new key is refused')
  t.same((await store.add('victim', 4, 1000)).times, [1, 4], 'the victim\'s failures are all still there')
  t.same((await store.add('spray-3', 1002, 1000)).times, [1002], 'once old keys expire, there is room again')
})

t.test('per (username, address), plus a higher limit per username across all addresses', async (t) => {
  let now = 1_000_000
  const store = memoryAttemptStore()
  t.teardown(() => store.close())
  const limiter = createLoginLimiter({
    store,
    maxFailures: 2,
    maxFailuresPerUsername: 5,
    windowSeconds: 60,
    now: () => now
  })
  const fail = (address: string) => limiter.guard({ username: 'alice', address }, async () => undefined)
  const owner = (address: string) => limiter.guard({ username: 'alice', address }, async () => 'in')
  await fail('203.0.113.7')
  await fail('203.0.113.7')
  await t.rejects(
    fail('203.0.113.7'),
    { statusCode: 429, code: 'TOO_MANY_FAILED_LOGINS' },
    'that address is locked out'
  )
  t.equal(await owner('198.51.100.1'), 'in', 'the owner, from another address, still logs in')
  for (const a of ['198.51.100.2', '198.51.100.3', '198.51.100.4']) await fail(a)
  await t.rejects(owner('198.51.100.9'), { statusCode: 429, code: 'TOO_MANY_FAILED_LOGINS' },
    'a distributed guess reaches the per-username limit')
  now += 60_001
  t.equal(await owner('198.51.100.9'), 'in', 'and the window ends')
})
