// Unit: sessions without HTTP or PostgreSQL — login, rotation, reuse detection and logout over in-memory fakes.
import t from 'tap'
import { createAuthService } from '../src/auth/auth.service.ts'
import { memoryAttemptStore } from '../src/auth/attempt-store.ts'
import { createLoginLimiter } from '../src/auth/login-limiter.ts'
import { fakeAccessTokens, memoryStore, plainPasswords } from './helpers/memory-store.ts'

const client = { id: 'r1', ip: '192.0.2.1', headers: { 'user-agent': 'unit-test' } }

function setup (maxFailures = 5) {
  const store = memoryStore()
  const attempts = memoryAttemptStore()
  t.teardown(() => attempts.close())
  const limiter = createLoginLimiter({ store: attempts, maxFailures, maxFailuresPerUsername: 100, windowSeconds: 900 })
  const auth = createAuthService({
    store,
    passwords: plainPasswords,
    accessTokens: fakeAccessTokens,
    limiter,
    refreshTtlDays: 30
  })
  return { store, auth }
}

async function withUser (store: ReturnType<typeof memoryStore>, username = 'alice', password = 'secret-pass') {
  return store.users.insert({ username, email: `${username}@example.com`, password_hash: `hash:${password}` })
}

t.test('login issues a pair for the user, whatever the case of the username', async (t) => {
  const { store, auth } = setup()
  const user = await withUser(store)
  const pair = await auth.login('ALICE', 'secret-pass', client)
  t.match(pair, { user_id: user.id, access_token: `access-token-of-${user.id}`, token_type: 'Bearer', expires_in: 900 })
  t.match(pair.refresh_token, /^[A-Za-z0-9_-]{43}$/)
  t.equal(store.rows.tokens.length, 1, 'one refresh token stored')
  t.not(store.rows.tokens[0]!.token_hash.toString(), pair.refresh_token, 'as its hash, not the token')
})

t.test('an unknown user and a wrong password are the same 401', async (t) => {
  const { store, auth } = setup()
  await withUser(store)
  await t.rejects(auth.login('alice', 'wrong-pass', client), { statusCode: 401, code: 'INVALID_CREDENTIALS' })
  await t.rejects(auth.login('nobody', 'secret-pass', client), { statusCode: 401, code: 'INVALID_CREDENTIALS' })
})

t.test('failures beyond the limit are 429 with Retry-After, even with the right password', async (t) => {
  const { store, auth } = setup(2)
  await withUser(store)
  for (let i = 0; i < 2; i++) {
    await t.rejects(auth.login('alice', 'wrong-pass', client), { statusCode: 401, code: 'INVALID_CREDENTIALS' })
  }
  await t.rejects(auth.login('alice', 'secret-pass', client), {
    statusCode: 429,
    code: 'TOO_MANY_FAILED_LOGINS',
    headers: { 'retry-after': /^\d+$/ }
  })
})

t.test('refresh rotates: the old token is used up, the new one works', async (t) => {
  const { store, auth } = setup()
  await withUser(store)
  const first = await auth.login('alice', 'secret-pass', client)
  const second = await auth.refresh(first.refresh_token, client)
  t.not(second.refresh_token, first.refresh_token)
  t.ok(await auth.refresh(second.refresh_token, client), 'the new token rotates in turn')
})

t.test('a used token presented again revokes its whole family', async (t) => {
  const { store, auth } = setup()
  await withUser(store)
  const first = await auth.login('alice', 'secret-pass', client)
  const second = await auth.refresh(first.refresh_token, client)
  await t.rejects(auth.refresh(first.refresh_token, client), { statusCode: 401, code: 'INVALID_REFRESH_TOKEN' })
  await t.rejects(
    auth.refresh(second.refresh_token, client),
    { statusCode: 401, code: 'INVALID_REFRESH_TOKEN' },
    'the live token of that session died too'
  )
  const other = await auth.login('alice', 'secret-pass', client)
  t.ok(await auth.refresh(other.refresh_token, client), 'another session of the same user lives on')
})

t.test('logout ends the session; an unknown token is 401', async (t) => {
  const { store, auth } = setup()
  await withUser(store)
  const pair = await auth.login('alice', 'secret-pass', client)
  await auth.logout(pair.refresh_token, client)
  await t.rejects(auth.refresh(pair.refresh_token, client), { statusCode: 401, code: 'INVALID_REFRESH_TOKEN' })
  await t.rejects(auth.logout('not-a-token', client), { statusCode: 401, code: 'INVALID_REFRESH_TOKEN' })
})

t.test('a username registration would refuse reaches no account (İ and the Kelvin sign fold to i and k)', async (t) => {
  const { store, auth } = setup()
  await withUser(store, 'ik077956')
  for (const variant of ['İk077956', '\u212Ak077956'.replace('\u212Ak', 'i\u212A'), 'ik077956\u0130']) {
    await t.rejects(
      auth.login(variant, 'secret-pass', client),
      { statusCode: 401, code: 'INVALID_CREDENTIALS' },
      variant
    )
  }
  t.ok(await auth.login('IK077956', 'secret-pass', client), 'the ASCII spelling in any case does')
})
