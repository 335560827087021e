// The failure limiter on a clock the test moves, against both stores (memory, Redis): sliding windows, Retry-After,
// what counts; and the in-memory store's key cap.
import t from 'tap'
import { AppError } from '@app/service-kit'
import { memoryAttemptStore } from '../src/auth/attempt-store.ts'
import { createLoginLimiter } from '../src/auth/login-limiter.ts'
import { openAttemptStore, storeVariants } from './helpers/stores.ts'

const alice = { username: 'alice', address: '192.0.2.1' }

const refused = async (p: Promise<unknown>) => p.then(() => undefined, (err: AppError) => err)

for (const variant of storeVariants) {
  t.test(`the ${variant.name} store`, { skip: variant.skip }, async (t) => {
    async function harness (maxFailures = 3, windowSeconds = 60, maxFailuresPerUsername = 1000) {
      let now = 1_000_000
      const store = await openAttemptStore(t, variant)
      const limiter = createLoginLimiter({
        store,
        maxFailures,
        maxFailuresPerUsername,
        windowSeconds,
        now: () => now
      })
      const fail = () => limiter.guard(alice, async () => undefined)
      const succeed = () => limiter.guard(alice, async () => 42)
      return { store, limiter, fail, succeed, tick: (ms: number) => { now += ms } }
    }

    t.test('sliding window: each failure leaves it on its own; ' +
      'Retry-After says when the next attempt may come', async (t) => {
      const h = await harness()
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
      const h = await harness(2)
      await h.fail()
      for (let i = 0; i < 5; i++) t.equal(await h.succeed(), 42)
      await t.rejects(h.limiter.guard(alice, async () => { throw new Error('database down') }), /database down/)
      await h.fail()
      for (let i = 0; i < 3; i++) t.ok(await refused(h.fail()))
      h.tick(60_001)
      t.equal(await h.succeed(), 42, 'refusals did not extend the window')
    })

    t.test('concurrent guesses cannot slip past the count: the check and the record are one step', async (t) => {
      const h = await harness(3)
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => refused(h.fail())))
      t.equal(outcomes.filter((e) => e === undefined).length, 3, 'three failures were let through, no more')
      t.equal(outcomes.filter((e) => e?.code === 'TOO_MANY_FAILED_LOGINS').length, 7)
    })

    t.test('per (username, address), plus a higher limit per username across all addresses', async (t) => {
      let now = 1_000_000
      const store = await openAttemptStore(t, variant)
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

    t.test('the store on its own: admit records under every key or none, forget takes one attempt back', async (t) => {
      const store = await openAttemptStore(t, variant)
      const limits = [{ key: 'a', max: 2 }, { key: 'b', max: 1 }]
      const first = await store.admit(limits, 1000, 10_000)
      t.match(first, { admitted: true, id: String })
      t.same(await store.admit(limits, 2000, 10_000), { admitted: false, retryAt: 11_000 },
        '"b" holds its one: refused until that attempt leaves')
      t.match(await store.admit([{ key: 'a', max: 2 }], 3000, 10_000), { admitted: true },
        'the refusal recorded nothing under "a": it has room for a second')
      if (first.admitted) await store.forget(['a', 'b'], first.id)
      t.match(await store.admit(limits, 4000, 10_000), { admitted: true }, 'forgotten under both keys')
    })
  })
}

t.test('in memory, failures are evicted by age, never by pressure: ' +
  'a spray of new names cannot flush a victim\'s record', async (t) => {
  const store = memoryAttemptStore({ maxKeys: 2 })
  t.teardown(() => store.close())
  const limit = (key: string) => [{ key, max: 100 }]
  await store.admit(limit('victim'), 1, 1000)
  await store.admit(limit('spray-1'), 2, 1000)
  await t.rejects(store.admit(limit('spray-2'), 3, 1000), { statusCode: 503, code: 'LOGIN_BUSY' },
    'full: a new key is refused')
  t.same(await store.admit([{ key: 'victim', max: 1 }], 4, 1000), { admitted: false, retryAt: 1001 },
    'the victim\'s failure is still there')
  t.match(await store.admit(limit('spray-3'), 1002, 1000), { admitted: true }, 'once old keys expire, there is room')
})
