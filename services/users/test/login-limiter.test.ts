// The per-username limiter and its in-memory store, on a clock the test moves: sliding window, Retry-After, the key cap.
import t from 'tap'
import { AppError } from '@app/service-kit'
import { memoryAttemptStore } from '../src/auth/attempt-store.ts'
import { createLoginLimiter } from '../src/auth/login-limiter.ts'

function harness (maxFailures = 3, windowSeconds = 60) {
  let now = 1_000_000
  const store = memoryAttemptStore()
  t.teardown(() => store.close())
  const limiter = createLoginLimiter({ store, maxFailures, windowSeconds, now: () => now })
  const fail = () => limiter.guard('alice', async () => undefined)
  const succeed = () => limiter.guard('alice', async () => 42)
  return { store, limiter, fail, succeed, tick: (ms: number) => { now += ms } }
}

const refused = async (p: Promise<unknown>) => p.then(() => undefined, (err: AppError) => err)

t.test('sliding window: each failure leaves it on its own; Retry-After says when the next attempt may come', async (t) => {
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
  await t.rejects(h.limiter.guard('alice', async () => { throw new Error('database down') }), /database down/)
  await h.fail()
  for (let i = 0; i < 3; i++) t.ok(await refused(h.fail()))
  h.tick(60_001)
  t.equal(await h.succeed(), 42, 'refusals did not extend the window')
})

t.test('keys are independent; the store forgets the least recently tried key beyond its cap', async (t) => {
  const store = memoryAttemptStore({ maxKeys: 2 })
  t.teardown(() => store.close())
  await store.add('a', 1, 1000)
  await store.add('b', 2, 1000)
  await store.add('a', 3, 1000)
  await store.add('c', 4, 1000)
  t.same((await store.add('b', 5, 1000)).times, [5], 'b was the least recently tried and was dropped')
  t.same((await store.add('a', 6, 1000)).times.length, 1, 'then a, when b came back')
})
