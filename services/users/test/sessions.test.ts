// Sessions over real HTTPS: each login is a session named by the access token's sid; list, end one, end the others.
import t from 'tap'
import type { Session, TokenPair } from '@app/contracts'
import { claimsOf, startUsersOverHttps } from './helpers/users-process.ts'

const users = await startUsersOverHttps(t)
const { call } = users
const bearer = (pair: TokenPair) => ({ authorization: `Bearer ${pair.access_token}` })
const list = async (pair: TokenPair) => {
  const res = await call('/user/auth/sessions/', { headers: bearer(pair) })
  if (res.status !== 200) throw new Error(`sessions: ${res.status} ${JSON.stringify(res.body)}`)
  return (res.body as { items: Session[] }).items
}
const refresh = (pair: TokenPair) => call('/user/auth/refresh/', { json: { refresh_token: pair.refresh_token } })
const end = (pair: TokenPair, id: string) =>
  call(`/user/auth/sessions/${id}/`, { method: 'DELETE', headers: bearer(pair) })

t.test('two logins are two sessions; the caller\'s is current, named by its sid', async (t) => {
  const me = await users.register()
  const phone = await users.login(me.username, me.password, { 'user-agent': 'phone/1.0' })
  const laptop = await users.login(me.username, me.password, { 'user-agent': 'laptop/2.0' })
  const sid = claimsOf(laptop.access_token).sid
  t.match(sid, /^[0-9a-f-]{36}$/, 'the access token names its session')
  t.not(claimsOf(phone.access_token).sid, sid)
  const res = await call('/user/auth/sessions/', { headers: bearer(laptop) })
  t.equal(res.status, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const items = (res.body as { items: Session[] }).items
  t.equal(items.length, 2)
  t.same(items.filter((s) => s.current).map((s) => s.id), [sid], 'only the caller\'s session is current')
  t.match(items.find((s) => s.current), { user_agent: 'laptop/2.0', ip: '127.0.0.1' })
  t.match(items.find((s) => !s.current), { id: claimsOf(phone.access_token).sid, user_agent: 'phone/1.0' })
  for (const s of items) t.ok(Date.parse(s.last_used_at) >= Date.parse(s.created_at))
  t.same((await list(phone)).filter((s) => s.current).map((s) => s.id), [claimsOf(phone.access_token).sid])
  const stranger = await users.register()
  const theirs = await users.login(stranger.username, stranger.password)
  t.equal((await list(theirs)).length, 1, 'another user sees only their own')
})

t.test('a refresh keeps the session: same id and start, later last use, the new client', async (t) => {
  const me = await users.register()
  const first = await users.login(me.username, me.password, { 'user-agent': 'before' })
  const [before] = await list(first)
  await new Promise((resolve) => setTimeout(resolve, 20))
  const res = await call('/user/auth/refresh/', {
    headers: { 'user-agent': `after ${'x'.repeat(400)}` },
    json: { refresh_token: first.refresh_token }
  })
  t.equal(res.status, 200)
  const next = res.body as TokenPair
  t.equal(claimsOf(next.access_token).sid, before!.id, 'the rotated access token names the same session')
  const after = await list(next)
  t.equal(after.length, 1)
  t.match(after[0], { id: before!.id, created_at: before!.created_at, current: true })
  t.ok(Date.parse(after[0]!.last_used_at) > Date.parse(before!.last_used_at), 'last use moved')
  t.equal(after[0]!.user_agent!.length, 256, 'a long user agent is kept to 256 characters')
  t.match(after[0]!.user_agent, /^after x+$/)
})

t.test('ending a session: 204, its refresh token is 401, it leaves the list; again 404', async (t) => {
  const me = await users.register()
  const keep = await users.login(me.username, me.password)
  const gone = await users.login(me.username, me.password)
  const goneId = String(claimsOf(gone.access_token).sid)
  const res = await end(keep, goneId)
  t.equal(res.status, 204)
  t.equal(res.body, '')
  const refused = await refresh(gone)
  t.equal(refused.status, 401)
  t.match(refused.body, { code: 'INVALID_REFRESH_TOKEN' })
  t.same((await list(keep)).map((s) => s.id), [claimsOf(keep.access_token).sid])
  t.equal((await refresh(keep)).status, 200, 'the other session lives on')
  const again = await end(keep, goneId)
  t.equal(again.status, 404)
  t.match(again.headers['content-type'], /application\/problem\+json/)
  t.match(again.body, { status: 404, code: 'SESSION_NOT_FOUND' })
  // the access token issued in the ended session lives until it expires (README, Security)
  t.equal((await call('/users/', { headers: bearer(gone) })).status, 200)
})

t.test('another user\'s session is 404 like an unknown one, and stays alive; a bad id is 400', async (t) => {
  const me = await users.register()
  const mine = await users.login(me.username, me.password)
  const victim = await users.register()
  const theirs = await users.login(victim.username, victim.password)
  const foreign = await end(mine, String(claimsOf(theirs.access_token).sid))
  const unknown = await end(mine, '00000000-0000-4000-8000-000000000000')
  t.equal(foreign.status, 404)
  t.same(foreign.body, { ...(unknown.body as object) }, 'the same answer: nothing tells them apart')
  t.equal((await refresh(theirs)).status, 200, 'their session was not touched')
  const bad = await end(mine, 'not-a-uuid')
  t.equal(bad.status, 400)
  t.match(bad.body, { code: 'VALIDATION_FAILED' })
})

t.test('ending every other session keeps the current one', async (t) => {
  const me = await users.register()
  const others = [await users.login(me.username, me.password), await users.login(me.username, me.password)]
  const current = await users.login(me.username, me.password)
  const res = await call('/user/auth/sessions/', { method: 'DELETE', headers: bearer(current) })
  t.equal(res.status, 204)
  t.equal(res.body, '')
  for (const pair of others) t.equal((await refresh(pair)).status, 401, 'another session ended')
  t.same((await list(current)).map((s) => s.id), [claimsOf(current.access_token).sid])
  t.equal((await refresh(current)).status, 200, 'the current one lives on')
})

t.test('logout and a password change end sessions: they leave the list', async (t) => {
  const me = await users.register()
  const a = await users.login(me.username, me.password)
  const b = await users.login(me.username, me.password)
  t.equal((await call('/user/auth/logout/', { json: { refresh_token: b.refresh_token } })).status, 204)
  t.equal((await list(a)).length, 1)
  const patch = await call(`/user/${me.id}/`, {
    method: 'PATCH',
    headers: bearer(a),
    json: { password: 'a brand new password', current_password: me.password }
  })
  t.equal(patch.status, 200)
  t.same(await list(a), [], 'no live session is left')
})

t.test('without a valid token: 401 on every sessions route', async (t) => {
  for (const [method, path] of [
    ['GET', '/user/auth/sessions/'], ['DELETE', '/user/auth/sessions/'],
    ['DELETE', '/user/auth/sessions/00000000-0000-4000-8000-000000000000/']
  ] as const) {
    const res = await call(path, { method })
    t.equal(res.status, 401, `${method} ${path}`)
    t.match(res.body, { code: 'UNAUTHORIZED' })
  }
})
