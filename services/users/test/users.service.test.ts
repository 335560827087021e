// Unit: account rules without HTTP or PostgreSQL — only yourself, uniqueness, passwords, Offers failures.
import t from 'tap'
import type { OffersPage } from '@app/contracts'
import { OffersClientError, OffersResponseTooLarge, type PageOptions } from '@app/offers-client'
import { memoryAttemptStore } from '../src/auth/attempt-store.ts'
import { createLoginLimiter } from '../src/auth/login-limiter.ts'
import { createUsersService } from '../src/users/users.service.ts'
import { memoryStore, plainPasswords } from './helpers/memory-store.ts'

const quietLog = { warn: () => {} }

const noOffers = async (): Promise<OffersPage> => ({ items: [], next_cursor: null })

function setup (offersPage: (userId: number, opts: PageOptions) => Promise<OffersPage> = noOffers) {
  const store = memoryStore()
  const attempts = memoryAttemptStore()
  t.teardown(() => attempts.close())
  const limiter = createLoginLimiter({
    store: attempts,
    maxFailures: 3,
    maxFailuresPerUsername: 100,
    windowSeconds: 900
  })
  return {
    store,
    users: createUsersService({
      store, passwords: plainPasswords, limiter, offers: { offersPage }, offersEmbedLimit: 7
    })
  }
}

const request = { id: 'r1', ip: '192.0.2.1', headers: { 'user-agent': 'unit-test' }, log: quietLog }

const alice = { username: 'Alice', password: 'secret-pass', email: 'Alice@Example.com' }

t.test('register keeps the username as spelt and lower-cases the email; a taken one is 409', async (t) => {
  const { users } = setup()
  t.match(await users.register(alice, request), { id: 1, username: 'Alice', email: 'alice@example.com' })
  await t.rejects(users.register({ ...alice, email: 'other@example.com', username: 'alice' }, request),
    { statusCode: 409, code: 'USERNAME_TAKEN' })
  await t.rejects(users.register({ ...alice, username: 'bob' }, request), { statusCode: 409, code: 'EMAIL_TAKEN' })
})

t.test('a password is 8 to 72 bytes in UTF-8: a longer one is refused, never cut', async (t) => {
  const { users } = setup()
  await t.rejects(users.register({ ...alice, password: 'é'.repeat(37) }, request),
    { statusCode: 400, message: /^body\/password must be 8 to 72 bytes/ })
})

t.test('only the user themself may change or delete the account', async (t) => {
  const { users } = setup()
  const { id } = await users.register(alice, request)
  await t.rejects(users.update(id + 1, id, { username: 'mallory' }, request), { statusCode: 403, code: 'FORBIDDEN' })
  await t.rejects(users.remove(id + 1, id, request), { statusCode: 403, code: 'FORBIDDEN' })
  await t.rejects(users.remove(id + 1, id + 1, request), { statusCode: 404, code: 'USER_NOT_FOUND' })
})

t.test('a new password needs the current one, and ends every session', async (t) => {
  const { store, users } = setup()
  const { id } = await users.register(alice, request)
  await store.refreshTokens.insert({
    user_id: id,
    family_id: 'f',
    token_hash: Buffer.from('t'),
    expires_at: new Date(Date.now() + 60_000)
  })
  await t.rejects(users.update(id, id, { password: 'new-password' }, request),
    { statusCode: 400, message: /current_password/ })
  await t.rejects(users.update(id, id, { password: 'new-password', current_password: 'wrong-pass' }, request),
    { statusCode: 401, code: 'INVALID_CURRENT_PASSWORD' })
  t.equal(store.rows.tokens[0]!.revoked_at, null, 'a refused change revokes nothing')
  await users.update(id, id, { password: 'new-password', current_password: 'secret-pass' }, request)
  t.not(store.rows.tokens[0]!.revoked_at, null, 'the session was ended')
  t.equal((await store.users.findLogin(id))?.password_hash, 'hash:new-password')
})

t.test('another user\'s page omits the email; one\'s own shows it', async (t) => {
  const { users } = setup()
  const { id } = await users.register(alice, request)
  t.notOk('email' in await users.user(id + 1, id, request))
  t.match(await users.user(id, id, request), { email: 'alice@example.com', offers: [], offers_next_cursor: null })
  await t.rejects(users.user(id, id + 1, request), { statusCode: 404, code: 'USER_NOT_FOUND' })
})

t.test('Offers failing in any way is 503 OFFERS_UNAVAILABLE, never an empty list', async (t) => {
  const { users } = setup(async () => { throw new OffersClientError('timeout', 'no answer in 2000 ms') })
  const { id } = await users.register(alice, request)
  const warned: object[] = []
  await t.rejects(users.user(id, id, { ...request, log: { warn: (details) => { warned.push(details) } } }),
    { statusCode: 503, code: 'OFFERS_UNAVAILABLE' })
  t.match(warned, [{ failure: 'timeout' }], 'the reason goes to the log')
})

t.test('the embedded offers are one page of the configured size; its cursor is passed on', async (t) => {
  const asked: Array<[number, PageOptions]> = []
  const { users } = setup(async (userId, opts) => {
    asked.push([userId, opts])
    return { items: [], next_cursor: 'abc' }
  })
  const { id } = await users.register(alice, request)
  t.match(await users.user(id, id, request), { offers: [], offers_next_cursor: 'abc' })
  t.same(asked, [[id, { limit: 7, requestId: 'r1' }]])
})

t.test('an answer past the client\'s body cap is 503 OFFERS_UNAVAILABLE too', async (t) => {
  const { users } = setup(async () => { throw new OffersResponseTooLarge(1024) })
  const { id } = await users.register(alice, request)
  const warned: object[] = []
  await t.rejects(users.user(id, id, { ...request, log: { warn: (details) => { warned.push(details) } } }),
    { statusCode: 503, code: 'OFFERS_UNAVAILABLE' })
  t.match(warned, [{ failure: 'too_large' }])
})

t.test('a wrong current_password counts as a failed login of the account: locked after the limit', async (t) => {
  const { users } = setup()
  const { id } = await users.register(alice, request)
  const change = (current: string) =>
    users.update(id, id, { password: 'new-password', current_password: current }, request)
  for (let i = 0; i < 3; i++) {
    await t.rejects(change('wrong-pass'), { statusCode: 401, code: 'INVALID_CURRENT_PASSWORD' })
  }
  await t.rejects(change('secret-pass'), { statusCode: 429, code: 'TOO_MANY_FAILED_LOGINS' },
    'no unlimited online guesses')
})
