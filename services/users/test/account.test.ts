// PATCH and DELETE /user/{user_id}/: self only, 404 when gone, 409 on taken names, password changes end every session.
import t from 'tap'
import { superuserDb, setup } from './helpers/app.ts'
import { login, register, session } from './helpers/users.ts'

const { app, db } = await setup(t)
const admin = superuserDb(t, db)
const patch = (id: number, auth: Record<string, string>, payload: object) => app.inject({
  method: 'PATCH',
  url: `/user/${id}/`,
  headers: auth,
  payload
})
const remove = (id: number, auth: Record<string, string>) => app.inject({
  method: 'DELETE',
  url: `/user/${id}/`,
  headers: auth
})
const refresh = (token: string) => app.inject({
  method: 'POST',
  url: '/user/auth/refresh/',
  payload: { refresh_token: token }
})

t.test('PATCH username and email: 200 user without offers, email lower-cased, updated_at moves', async (t) => {
  const me = await session(app)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const username = `New.${me.user.username}`.slice(0, 32)
  const res = await patch(me.user.id, me.auth, { username, email: `${username}@EXAMPLE.org` })
  t.equal(res.statusCode, 200)
  const user = res.json()
  t.same(Object.keys(user).sort(), ['created_at', 'email', 'id', 'updated_at', 'username'])
  t.match(user, {
    id: me.user.id,
    username,
    email: `${username}@example.org`.toLowerCase(),
    created_at: me.user.created_at
  })
  t.ok(Date.parse(user.updated_at) > Date.parse(me.user.created_at), 'updated_at moved')
  t.equal((await login(app, username, me.user.password)).user_id, me.user.id, 'the new name logs in')
})

t.test('PATCH to one\'s own name in another case is no conflict', async (t) => {
  const me = await session(app)
  const res = await patch(me.user.id, me.auth, { username: me.user.username.toUpperCase() })
  t.equal(res.statusCode, 200)
  t.equal(res.json().username, me.user.username.toUpperCase())
})

t.test('PATCH 409: a username or email someone else has', async (t) => {
  const [me, other] = [await session(app), await register(app)]
  const name = await patch(me.user.id, me.auth, { username: other.username.toUpperCase() })
  t.equal(name.statusCode, 409)
  t.match(name.json(), { code: 'USERNAME_TAKEN' })
  const email = await patch(me.user.id, me.auth, { email: other.email.toUpperCase() })
  t.equal(email.statusCode, 409)
  t.match(email.json(), { code: 'EMAIL_TAKEN' })
})

t.test('PATCH a password: needs current_password, checks it, and revokes every refresh token', async (t) => {
  const me = await session(app)
  const second = await login(app, me.user.username, me.user.password)
  const missing = await patch(me.user.id, me.auth, { password: 'a brand new password' })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/current_password' }] })
  const wrong = await patch(me.user.id, me.auth, {
    password: 'a brand new password',
    current_password: 'not it at all'
  })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.json(), { code: 'INVALID_CURRENT_PASSWORD' })
  t.equal(
    (await patch(me.user.id, me.auth, { password: '€'.repeat(25), current_password: me.user.password })).statusCode,
    400,
    '75 bytes'
  )
  const ok = await patch(me.user.id, me.auth, { password: 'a brand new password', current_password: me.user.password })
  t.equal(ok.statusCode, 200)
  t.equal((await refresh(me.tokens.refresh_token)).statusCode, 401, 'first session revoked')
  t.equal((await refresh(second.refresh_token)).statusCode, 401, 'second session revoked')
  const live = await admin.selectFrom('users.refresh_tokens')
    .select('id')
    .where('user_id', '=', me.user.id)
    .where('revoked_at', 'is', null)
    .execute()
  t.same(live, [])
  t.equal((await login(app, me.user.username, 'a brand new password')).user_id, me.user.id)
  const old = await app.inject({
    method: 'POST',
    url: '/user/auth/',
    payload: { username: me.user.username, password: me.user.password }
  })
  t.equal(old.statusCode, 401)
})

t.test('PATCH 400: nothing to change, unknown fields, invalid values', async (t) => {
  const me = await session(app)
  for (const payload of [{}, { current_password: me.user.password }, { role: 'admin' },
    { username: 'x' }, { email: 'nope' }, { username: null }]) {
    const res = await patch(me.user.id, me.auth, payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { code: 'VALIDATION_FAILED' })
  }
})

t.test('PATCH and DELETE of another user: 403, and nothing changes', async (t) => {
  const [me, other] = [await session(app), await register(app)]
  const res = await patch(other.id, me.auth, { username: 'stolen_name' })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { status: 403, code: 'FORBIDDEN' })
  t.equal((await remove(other.id, me.auth)).statusCode, 403)
  t.equal((await remove(987654321, me.auth)).statusCode, 403, 'whether or not the other user exists')
  const row = await admin.selectFrom('users.users')
    .select('username')
    .where('id', '=', other.id)
    .executeTakeFirstOrThrow()
  t.equal(row.username, other.username)
})

t.test('401 without a valid token', async (t) => {
  const other = await register(app)
  t.equal((await patch(other.id, {}, { username: 'whatever_1' })).statusCode, 401)
  t.equal((await remove(other.id, {})).statusCode, 401)
})

t.test('DELETE: 204 with no body; offers and refresh tokens go through the foreign keys; then 404', async (t) => {
  const me = await session(app)
  await admin.insertInto('offers.offers').values({ user_id: me.user.id, title: 't', text: 'x' }).execute()
  const res = await remove(me.user.id, me.auth)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.same(await admin.selectFrom('offers.offers').select('id').where('user_id', '=', me.user.id).execute(), [])
  t.same(await admin.selectFrom('users.refresh_tokens').select('id').where('user_id', '=', me.user.id).execute(), [])
  t.equal((await remove(me.user.id, me.auth)).statusCode, 404, 'the token outlives the user, the user does not')
  const gone = await patch(me.user.id, me.auth, { username: 'ghost_name' })
  t.equal(gone.statusCode, 404)
  t.match(gone.json(), { code: 'USER_NOT_FOUND' })
  t.equal(
    (await patch(me.user.id, me.auth, { password: 'another password', current_password: me.user.password })).statusCode,
    404
  )
  t.equal((await app.inject({ method: 'GET', url: `/user/${me.user.id}/`, headers: me.auth })).statusCode, 404)
})

t.test('400 for an id that is not a positive integer', async (t) => {
  const me = await session(app)
  t.equal((await patch(0, me.auth, { username: 'whatever_2' })).statusCode, 400)
  t.equal((await app.inject({ method: 'DELETE', url: '/user/abc/', headers: me.auth })).statusCode, 400)
})
