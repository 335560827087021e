// The audit trail over real HTTPS: every event type with client address, user agent and request id and no secret,
// newest first, keyset pages, self only, and kept after the account is deleted.
import t from 'tap'
import type { AuditEvent, AuditPage, TokenPair } from '@app/contracts'
import { superuserDb } from './helpers/app.ts'
import { claimsOf, startUsersOverHttps } from './helpers/users-process.ts'

const users = await startUsersOverHttps(t, { LOGIN_MAX_FAILURES: '4', REGISTER_MAX_PER_IP_PER_HOUR: '1000' })
const { call } = users
const admin = superuserDb(t, users.db)
const AGENT = 'audit-test/1.0'
/** each step its own request id, so that the test can tell which request wrote which event */
const as = (requestId: string, pair?: TokenPair) => ({
  'user-agent': AGENT,
  'x-request-id': requestId,
  ...(pair ? { authorization: `Bearer ${pair.access_token}` } : {})
})
const secrets: string[] = []
const keep = (pair: TokenPair) => { secrets.push(pair.access_token, pair.refresh_token); return pair }
const post = (path: string, requestId: string, json: unknown) => call(path, { headers: as(requestId), json })
const patch = (requestId: string, pair: TokenPair, json: unknown) =>
  call(`/user/${me.id}/`, { method: 'PATCH', headers: as(requestId, pair), json })
function expect (status: number, res: Awaited<ReturnType<typeof call>>) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}

// The story: one account goes through every event the trail records (setup steps throw rather than assert).
const me = await users.register(as('req-register'))
secrets.push(me.password)
expect(401, await post('/user/auth/', 'req-wrong', { username: me.username, password: 'nope nope' }))
expect(401, await post('/user/auth/', 'req-unknown', { username: 'no_such_user_x', password: 'x' }))
const first = keep(await users.login(me.username, me.password, as('req-login')))
keep(expect(200, await post('/user/auth/refresh/', 'req-rotate', { refresh_token: first.refresh_token })) as TokenPair)
expect(401, await post('/user/auth/refresh/', 'req-replay', { refresh_token: first.refresh_token }))
const second = keep(await users.login(me.username, me.password, as('req-login-2')))
const third = keep(await users.login(me.username, me.password, as('req-login-3')))
const endedSid = String(claimsOf(third.access_token).sid)
expect(204, await call(`/user/auth/sessions/${endedSid}/`, { method: 'DELETE', headers: as('req-end', second) }))
expect(204, await post('/user/auth/logout/', 'req-logout', { refresh_token: second.refresh_token }))
const current = keep(await users.login(me.username, me.password, as('req-login-4')))
expect(401, await patch('req-wrong-current', current, { password: 'new password 1', current_password: 'bad' }))
const newPassword = 'the new password 2'
secrets.push(newPassword, 'new password 1')
expect(200, await patch('req-password', current, { password: newPassword, current_password: me.password }))
const last = keep(await users.login(me.username, newPassword, as('req-login-5')))
// wrong passwords until the failure limit locks the account for this address
for (let i = 0; ; i++) {
  const res = await post('/user/auth/', `req-guess-${i}`, { username: me.username, password: 'guess' })
  if (res.status === 429) break
  if (i > 10) throw new Error('never locked')
}

const page = async (query: string, pair = last) =>
  call(`/user/${me.id}/audit/${query}`, { headers: as('req-read', pair) })
const all = (expect(200, await page('?limit=100')) as AuditPage).items

t.test('every event type is recorded, with client address, user agent and request id', async (t) => {
  const byRequest = (id: string) => all.filter((e) => e.request_id === id).map((e) => [e.type, e.detail])
  t.same(byRequest('req-register'), [['registered', {}]])
  t.same(byRequest('req-wrong'), [['login_failed', { reason: 'wrong_password' }]])
  t.same(byRequest('req-login'), [['login_succeeded', { session_id: claimsOf(first.access_token).sid }]])
  t.same(byRequest('req-replay'), [['refresh_reuse_detected', { session_id: claimsOf(first.access_token).sid }]])
  t.same(byRequest('req-end'), [['session_ended', { session_id: endedSid }]])
  t.same(byRequest('req-logout'), [['logout', { session_id: claimsOf(second.access_token).sid }]])
  t.same(byRequest('req-wrong-current'), [['login_failed', { reason: 'wrong_current_password' }]])
  t.same(byRequest('req-password'), [['password_changed', {}]])
  t.equal(all.filter((e) => e.type === 'login_locked').length, 1, 'the lock-out')
  t.equal(all.filter((e) => e.type === 'login_succeeded').length, 5)
  t.equal(all.filter((e) => e.request_id === 'req-rotate').length, 0, 'a plain rotation is no event')
  for (const e of all) {
    t.match(e, { ip: '127.0.0.1', user_agent: AGENT, request_id: /^req-/ }, `${e.type} names its client`)
    t.ok(Math.abs(Date.parse(e.at) - Date.now()) < 600_000, `${e.type} has its time`)
  }
})

t.test('no secret reaches the trail: not in the answer, not in the table', async (t) => {
  const rows = await admin.selectFrom('users.audit_events').select(['detail', 'user_agent', 'request_id']).execute()
  const text = JSON.stringify(rows) + JSON.stringify(all)
  for (const secret of secrets) t.notOk(text.includes(secret), 'a password or token is not stored')
  t.notOk(text.includes('no_such_user_x'), 'nor a username that names no account (it may be a password)')
  const unknown = await admin.selectFrom('users.audit_events').select(['type', 'user_id', 'detail'])
    .where('request_id', '=', 'req-unknown').execute()
  t.same(unknown, [{ type: 'login_failed', user_id: null, detail: { reason: 'unknown_user' } }], 'kept, without a user')
})

t.test('newest first; keyset pages walk the whole trail once', async (t) => {
  const ids = all.map((e) => e.id)
  t.same(ids, [...ids].sort((a, b) => b - a), 'ids descending')
  t.equal(all[0]!.type, 'login_locked', 'the latest event first')
  t.equal(all[all.length - 1]!.type, 'registered', 'the first event last')
  const walked: AuditEvent[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await page(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.status, 200)
    const body = res.body as AuditPage
    t.ok(body.items.length <= 3)
    walked.push(...body.items)
    cursor = body.next_cursor
    pages++
  } while (cursor && pages < 50)
  t.same(walked.map((e) => e.id), ids, 'every event once, in order')
  t.equal(pages, Math.ceil(ids.length / 3))
  const lastPage = await page(`?limit=${ids.length}`)
  t.equal((lastPage.body as AuditPage).next_cursor, null, 'no next page when all fit')
  t.equal(((await page('')).body as AuditPage).items.length, Math.min(20, ids.length), 'limit defaults to 20')
})

t.test('bad limits and cursors are 400 problem+json, never 500', async (t) => {
  const forged = (text: string) => Buffer.from(text).toString('base64url')
  for (const [query, code] of [
    ['?limit=0', 'VALIDATION_FAILED'], ['?limit=101', 'VALIDATION_FAILED'], ['?limit=x', 'VALIDATION_FAILED'],
    ['?cursor=%E2%9C%93', 'INVALID_CURSOR'], ['?cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
    [`?cursor=${forged('a1.0')}`, 'INVALID_CURSOR'],
    [`?cursor=${forged('a1.99999999999999999999')}`, 'INVALID_CURSOR'],
    [`?cursor=${forged('a1.-5')}`, 'INVALID_CURSOR'], [`?cursor=${'A'.repeat(129)}`, 'VALIDATION_FAILED']
  ] as const) {
    const res = await page(query)
    t.equal(res.status, 400, query)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.body, { status: 400, code }, query)
  }
})

t.test('self only: another user is 403, no token 401', async (t) => {
  const other = await users.register()
  const theirs = await users.login(other.username, other.password)
  const res = await page('', theirs)
  t.equal(res.status, 403)
  t.match(res.body, { code: 'FORBIDDEN' })
  t.equal((await call(`/user/${me.id}/audit/`)).status, 401)
})

t.test('deleting the account is an event, and the trail outlives the account', async (t) => {
  const before = await admin.selectFrom('users.audit_events').select('id').where('user_id', '=', me.id).execute()
  expect(204, await call(`/user/${me.id}/`, { method: 'DELETE', headers: as('req-delete', last) }))
  const after = await admin.selectFrom('users.audit_events').select(['id', 'type', 'request_id'])
    .where('user_id', '=', me.id).orderBy('id', 'desc').execute()
  t.equal(after.length, before.length + 1, 'every event kept')
  t.match(after[0], { type: 'account_deleted', request_id: 'req-delete' })
  const gone = await page('')
  t.equal(gone.status, 404, 'the user is unknown now, though the token still verifies')
  t.match(gone.body, { code: 'USER_NOT_FOUND' })
})
