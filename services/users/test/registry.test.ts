// POST /user/registry/: every contract row, the 72-byte rule with multi-byte characters, concurrent registrations.
import t from 'tap'
import { superuserDb, setup } from './helpers/app.ts'
import { login, register, uniqueName } from './helpers/users.ts'

const { app, db } = await setup(t)
const admin = superuserDb(t, db)

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/user/registry/', payload: payload as object })
const body = (over: Record<string, unknown> = {}) => {
  const username = uniqueName()
  return { username, email: `${username}@example.com`, password: 'correct horse battery', ...over }
}

t.test('201: the user, username as spelt, email lower-cased, a bcrypt hash stored', async (t) => {
  const username = `Mixed.Case-${uniqueName()}`.slice(0, 32)
  const res = await post({
    username,
    email: 'Someone.Mixed@Example.COM'.replace('Someone', username),
    password: 'correct horse battery'
  })
  t.equal(res.statusCode, 201)
  const user = res.json()
  t.same(Object.keys(user).sort(), ['created_at', 'email', 'id', 'username'])
  t.equal(user.username, username)
  t.equal(user.email, `${username}.mixed@example.com`.toLowerCase())
  t.ok(Math.abs(Date.parse(user.created_at) - Date.now()) < 60_000, 'created_at is now')
  const row = await admin.selectFrom('users.users')
    .select(['email', 'password_hash'])
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow()
  t.match(row.password_hash, /^\$2b\$04\$/, 'bcrypt with the configured cost')
  t.notMatch(row.password_hash, /correct horse/)
})

t.test('the trailing slash is optional', async (t) => {
  t.equal((await app.inject({ method: 'POST', url: '/user/registry', payload: body() })).statusCode, 201)
})

t.test('409: username taken, whatever its case', async (t) => {
  const first = await register(app)
  const res = await post(body({ username: first.username.toUpperCase() }))
  t.equal(res.statusCode, 409)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 409, code: 'USERNAME_TAKEN' })
})

t.test('409: email taken, whatever its case', async (t) => {
  const first = await register(app)
  const res = await post(body({ email: first.email.toUpperCase() }))
  t.equal(res.statusCode, 409)
  t.match(res.json(), { status: 409, code: 'EMAIL_TAKEN' })
})

t.test('400: each invalid field is named', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['username too short', { username: 'ab' }, '/username'],
    ['username too long', { username: 'a'.repeat(33) }, '/username'],
    ['username with a space', { username: 'al ice' }, '/username'],
    ['username with @', { username: 'al@ice' }, '/username'],
    ['username not a string', { username: 12345 }, '/username'],
    ['email invalid', { email: 'not-an-email' }, '/email'],
    ['password of 7 bytes', { password: 'seven77' }, '/password'],
    ['password not a string', { password: 12345678 }, '/password'],
    ['unknown property', { admin: true }, '/admin']
  ]
  for (const [name, over, path] of cases) {
    const res = await post(body(over))
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { status: 400, code: 'VALIDATION_FAILED', errors: [{ path }] }, name)
  }
  for (const missing of ['username', 'email', 'password']) {
    const b: Record<string, unknown> = body()
    delete b[missing]
    const res = await post(b)
    t.match(
      res.json(),
      { status: 400, code: 'VALIDATION_FAILED', errors: [{ path: `/${missing}` }] },
      `${missing} missing`
    )
  }
})

t.test('400 for a body that is not JSON; 415 for another media type', async (t) => {
  const bad = await app.inject({
    method: 'POST',
    url: '/user/registry/',
    headers: { 'content-type': 'application/json' },
    payload: '{"username":'
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'MALFORMED_JSON' })
  const text = await app.inject({
    method: 'POST',
    url: '/user/registry/',
    headers: { 'content-type': 'text/plain' },
    payload: 'x'
  })
  t.equal(text.statusCode, 415)
})

t.test('password: 8 to 72 bytes in UTF-8, counted in bytes, never cut', async (t) => {
  const fits = ['a'.repeat(72), 'é'.repeat(36), '€'.repeat(24), '😀'.repeat(18), '😀😀', 'abcdefgh']
  for (const password of fits) {
    const res = await post(body({ password }))
    t.equal(res.statusCode, 201, `${Buffer.byteLength(password)} bytes in ${[...password].length} characters`)
  }
  // a NUL would end the password for bcrypt: 'x\0yyyyyyy' must not become 'x'
  const refused = [
    'a'.repeat(73), 'é'.repeat(37), '€'.repeat(25), '😀'.repeat(19), 'a'.repeat(71) + 'é', 'ééé', '😀a', 'x\u0000yyyyyyyy'
  ]
  for (const password of refused) {
    const res = await post(body({ password }))
    t.equal(res.statusCode, 400, `${Buffer.byteLength(password)} bytes refused`)
    t.match(res.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/password' }] })
  }
})

t.test('a 72-byte password logs in; anything longer that starts with it does not', async (t) => {
  const password = '€'.repeat(24)
  const user = await register(app, { password })
  t.equal((await login(app, user.username, password)).user_id, user.id)
  for (const longer of [password + 'x', password + '€']) {
    const res = await app.inject({
      method: 'POST',
      url: '/user/auth/',
      payload: { username: user.username, password: longer }
    })
    t.equal(res.statusCode, 401, 'bcrypt would have cut it to the stored password')
  }
})

t.test('8 concurrent identical registrations: exactly one 201 and seven 409', async (t) => {
  const same = body()
  const results = await Promise.all(Array.from({ length: 8 }, () => post(same)))
  const statuses = results.map((r) => r.statusCode).sort()
  t.same(statuses, [201, 409, 409, 409, 409, 409, 409, 409])
  for (const r of results.filter((r) => r.statusCode === 409)) t.match(r.json().code, /^(USERNAME|EMAIL)_TAKEN$/)
  const rows = await admin.selectFrom('users.users').select('id').where('username', '=', same.username).execute()
  t.equal(rows.length, 1)
})
