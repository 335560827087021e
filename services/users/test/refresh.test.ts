// Refresh rotation, replay (revokes the session), expiry, revocation, concurrent refreshes, and logout.
import t from 'tap'
import { sql } from 'kysely'
import { hashRefreshToken } from '../src/auth/tokens.ts'
import { superuserDb, setup } from './helpers/app.ts'
import { bearer, login, session } from './helpers/users.ts'

const { app, db } = await setup(t)
const admin = superuserDb(t, db)
const refresh = (token: string) => app.inject({
  method: 'POST',
  url: '/user/auth/refresh/',
  payload: { refresh_token: token }
})
const logout = (token: string) => app.inject({
  method: 'POST',
  url: '/user/auth/logout/',
  payload: { refresh_token: token }
})

t.test('refresh rotates: a new pair for the same user, in the same session', async (t) => {
  const { user, tokens } = await session(app)
  const res = await refresh(tokens.refresh_token)
  t.equal(res.statusCode, 200)
  const next = res.json()
  t.match(next, { user_id: user.id, token_type: 'Bearer', expires_in: 900 })
  t.not(next.refresh_token, tokens.refresh_token)
  t.not(next.access_token, tokens.access_token)
  t.equal((await app.inject({ method: 'GET', url: '/users/', headers: bearer(next.access_token) })).statusCode, 200)
  const rows = await admin.selectFrom('users.refresh_tokens')
    .select(['family_id', 'used_at'])
    .where('user_id', '=', user.id)
    .orderBy('id')
    .execute()
  t.equal(rows.length, 2)
  t.equal(rows[0]!.family_id, rows[1]!.family_id, 'one family')
  t.ok(rows[0]!.used_at, 'the old token is used up')
  t.equal(rows[1]!.used_at, null)
  t.equal((await refresh(next.refresh_token)).statusCode, 200, 'the new one works in turn')
})

t.test('a used token is a replay: 401, and the whole session is revoked', async (t) => {
  const { user, tokens } = await session(app)
  const other = await login(app, user.username, user.password)
  const next = (await refresh(tokens.refresh_token)).json()
  const replay = await refresh(tokens.refresh_token)
  t.equal(replay.statusCode, 401)
  t.match(replay.json(), { status: 401, code: 'INVALID_REFRESH_TOKEN' })
  t.equal((await refresh(next.refresh_token)).statusCode, 401, 'the token the thief or the user holds is dead too')
  t.equal((await refresh(other.refresh_token)).statusCode, 200, 'another session of the user is untouched')
})

t.test('an expired token: 401', async (t) => {
  const { tokens } = await session(app)
  await admin.updateTable('users.refresh_tokens').set({ expires_at: sql<Date>`now() - interval '1 second'` })
    .where('token_hash', '=', hashRefreshToken(tokens.refresh_token)).execute()
  const res = await refresh(tokens.refresh_token)
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'INVALID_REFRESH_TOKEN' })
})

t.test('unknown and malformed tokens', async (t) => {
  t.equal((await refresh('x'.repeat(43))).statusCode, 401)
  t.equal((await refresh('')).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/user/auth/refresh/', payload: {} })).statusCode, 400)
  t.equal(
    (await app.inject({ method: 'POST', url: '/user/auth/refresh/', payload: { refresh_token: 5 } })).statusCode,
    400
  )
})

t.test('concurrent refreshes of one token: at most one succeeds', async (t) => {
  for (const n of [2, 6]) {
    const { tokens } = await session(app)
    const results = await Promise.all(Array.from({ length: n }, () => refresh(tokens.refresh_token)))
    const ok = results.filter((r) => r.statusCode === 200)
    t.ok(ok.length <= 1, `${n} at once: ${ok.length} succeeded`)
    t.same(results.filter((r) => r.statusCode !== 200).map((r) => r.statusCode), Array(n - ok.length).fill(401))
  }
})

t.test('logout: 204 with no body, and the session is over', async (t) => {
  const { tokens } = await session(app)
  const next = (await refresh(tokens.refresh_token)).json()
  const res = await logout(next.refresh_token)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.equal((await refresh(next.refresh_token)).statusCode, 401, 'revoked')
  t.equal((await logout(next.refresh_token)).statusCode, 401, 'a second logout finds nothing live')
})

t.test('logout of an unknown token: 401; of a bad body: 400', async (t) => {
  const res = await logout('y'.repeat(43))
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'INVALID_REFRESH_TOKEN' })
  t.equal((await app.inject({ method: 'POST', url: '/user/auth/logout/', payload: { token: 'x' } })).statusCode, 400)
})

t.test('deleting the user ends their sessions', async (t) => {
  const { user, tokens, auth } = await session(app)
  t.equal((await app.inject({ method: 'DELETE', url: `/user/${user.id}/`, headers: auth })).statusCode, 204)
  t.equal((await refresh(tokens.refresh_token)).statusCode, 401)
})
