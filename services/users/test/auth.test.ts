// POST /user/auth/: the token pair, the access token's claims and key, one 401 for unknown user and wrong password.
import { createHash, createPublicKey, verify } from 'node:crypto'
import t from 'tap'
import { superuserDb, setup } from './helpers/app.ts'
import { bearer, login, register, uniqueName } from './helpers/users.ts'

const { app, db, keys } = await setup(t)
const admin = superuserDb(t, db)
const post = (payload: object) => app.inject({ method: 'POST', url: '/user/auth/', payload })
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString())

t.test('200: an EdDSA access token under the key\'s kid, with every claim, and a refresh token', async (t) => {
  const user = await register(app)
  const res = await post({ username: user.username, password: user.password })
  t.equal(res.statusCode, 200)
  const pair = res.json()
  t.same(Object.keys(pair).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type', 'user_id'])
  t.match(pair, { user_id: user.id, token_type: 'Bearer', expires_in: 900 })
  t.match(part(pair.access_token, 0), { alg: 'EdDSA', kid: keys.kid })
  const claims = part(pair.access_token, 1)
  t.match(claims, { user_id: user.id, sub: String(user.id), iss: 'users-service', aud: 'classifieds' })
  t.equal(claims.exp - claims.iat, 900)
  t.ok(Math.abs(claims.iat - Date.now() / 1000) < 60)
  t.match(claims.jti, /^[0-9a-f-]{36}$/)
  const [header, payload, signature] = pair.access_token.split('.') as [string, string, string]
  const publicKey = createPublicKey({ key: { ...keys.publicKeys[0]! }, format: 'jwk' })
  t.ok(verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
    'the published public key alone verifies the signature')
  t.equal((await app.inject({ method: 'GET', url: '/users/', headers: bearer(pair.access_token) })).statusCode, 200)
})

t.test('each login is a new session with a distinct jti', async (t) => {
  const user = await register(app)
  const [a, b] = [await login(app, user.username, user.password), await login(app, user.username, user.password)]
  t.not(part(a.access_token, 1).jti, part(b.access_token, 1).jti)
  const families = await admin.selectFrom('users.refresh_tokens')
    .select('family_id')
    .where('user_id', '=', user.id)
    .execute()
  t.equal(new Set(families.map((f) => f.family_id)).size, 2)
})

t.test('the refresh token: 256 random bits, stored only as its SHA-256', async (t) => {
  const user = await register(app)
  const { refresh_token: token } = await login(app, user.username, user.password)
  t.match(token, /^[A-Za-z0-9_-]{43,}$/)
  t.ok(Buffer.from(token, 'base64url').length >= 32)
  const rows = await admin.selectFrom('users.refresh_tokens')
    .select(['token_hash', 'expires_at', 'used_at', 'revoked_at'])
    .where('user_id', '=', user.id)
    .execute()
  t.equal(rows.length, 1)
  t.same(rows[0]!.token_hash, createHash('sha256').update(token).digest())
  t.match(rows[0], { used_at: null, revoked_at: null })
  const days = (rows[0]!.expires_at.getTime() - Date.now()) / 86_400_000
  t.ok(days > 29.9 && days <= 30, 'expires in REFRESH_TOKEN_TTL_DAYS')
})

t.test('the username is found case-insensitively', async (t) => {
  const user = await register(app, { username: `Case_${uniqueName()}` })
  t.equal((await login(app, user.username.toUpperCase(), user.password)).user_id, user.id)
})

t.test('401: an unknown username and a wrong password get one and the same body', async (t) => {
  const user = await register(app)
  const wrong = await post({ username: user.username, password: 'not the password' })
  const unknown = await post({ username: uniqueName('nobody'), password: 'not the password' })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.equal(wrong.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(wrong.json(), { status: 401, code: 'INVALID_CREDENTIALS' })
  t.same(unknown.json(), wrong.json())
})

t.test('400: missing or malformed fields', async (t) => {
  const nul = '\u0000'
  for (const payload of [{ username: 'x' }, { password: 'x' }, { username: 'x', password: 'y', extra: 1 },
    { username: 1, password: 'y' }, { username: 'x', password: '' },
    { username: `a${nul}b`, password: 'y' }, { username: 'x', password: `y${nul}` }]) {
    const res = await post(payload)
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'VALIDATION_FAILED' })
  }
})
