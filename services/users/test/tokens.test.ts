// Protected routes refuse every forged or stale token; the JWKS publishes public keys only; keys rotate by kid.
import { createPublicKey } from 'node:crypto'
import t from 'tap'
import { claims, forge, makeTestKeys, signToken } from '@app/testing'
import { buildTestApp, setup } from './helpers/app.ts'
import { bearer, session } from './helpers/users.ts'

const { app, db, keys } = await setup(t)
const { user } = await session(app)
const publicPem = createPublicKey(keys.privateKey).export({ type: 'spki', format: 'pem' }).toString()
const good = claims({ userId: user.id })

const protectedRoutes = [
  { method: 'GET' as const, url: '/users/' },
  { method: 'GET' as const, url: `/user/${user.id}/` },
  { method: 'PATCH' as const, url: `/user/${user.id}/`, payload: { username: 'never_applied' } },
  { method: 'DELETE' as const, url: `/user/${user.id}/` }
]

t.test('a correctly signed token is accepted', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/users/', headers: bearer(signToken(keys, good)) })
  t.equal(res.statusCode, 200)
})

t.test('every forgery and every stale token: 401 on every protected route', async (t) => {
  const other = makeTestKeys()
  const forgeries: Record<string, string> = {
    'alg none': forge.algNone(good),
    'HMAC keyed with the public key': forge.hmacWithPublicKey(publicPem, good, keys.kid),
    'tampered payload': forge.tampered(
      signToken(keys, good), { ...good, user_id: user.id + 1, sub: String(user.id + 1) }
    ),
    expired: signToken(keys, claims({ userId: user.id, ttlSeconds: -60 })),
    'wrong iss': signToken(keys, claims({ userId: user.id, issuer: 'someone-else' })),
    'wrong aud': signToken(keys, claims({ userId: user.id, audience: 'another-app' })),
    'unknown kid': signToken(other, good),
    'another key under our kid': signToken(other, good, keys.kid),
    'no jti': signToken(keys, { ...good, jti: undefined }),
    'sub that is not user_id': signToken(keys, { ...good, sub: '999' }),
    'user_id as a string': signToken(keys, { ...good, user_id: String(user.id) }),
    'not a JWT': 'not-a-jwt'
  }
  for (const route of protectedRoutes) {
    for (const [name, token] of Object.entries(forgeries)) {
      const res = await app.inject({ ...route, headers: bearer(token) })
      t.equal(res.statusCode, 401, `${route.method} ${route.url}: ${name}`)
      t.match(res.json(), { status: 401, code: 'UNAUTHORIZED' })
      t.match(res.headers['www-authenticate'], /^Bearer/)
    }
    for (const headers of [
      {}, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, { authorization: 'Bearer' }
    ]) {
      const res = await app.inject({ ...route, headers })
      t.equal(res.statusCode, 401, `${route.method} ${route.url}: ${JSON.stringify(headers)}`)
    }
  }
  // the PATCH was never applied and the DELETE never happened: the user is listed under their own name
  const page = await app.inject({ method: 'GET', url: '/users/?page_size=100', headers: bearer(signToken(keys, good)) })
  t.match(page.json().items, [{ id: user.id, username: user.username }], 'the user is still there, unchanged')
})

t.test('GET /.well-known/jwks.json: the public keys, never a private part', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(res.statusCode, 200)
  const jwks = res.json()
  t.same(jwks.keys.map((k: { kid: string }) => k.kid), [keys.kid])
  t.match(jwks.keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', x: keys.publicKeys[0]!.x })
  t.notMatch(res.body, /"d"/)
})

t.test('rotation: tokens are signed under the current key\'s kid; ' +
  'the older published key still verifies', async (t) => {
  const current = makeTestKeys()
  const publicKeys = [...keys.publicKeys, ...current.publicKeys]
  const rotated = await buildTestApp(t, { db, keys: { ...current, publicKeys } })
  const jwks = (await rotated.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  t.same(jwks.keys.map((k: { kid: string }) => k.kid), [keys.kid, current.kid])
  const { tokens } = await session(rotated.app)
  t.equal(JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()).kid, current.kid)
  const old = await rotated.app.inject({ method: 'GET', url: '/users/', headers: bearer(signToken(keys, good)) })
  t.equal(old.statusCode, 200, 'a token of the previous key is still good until it expires')
})

t.test('a signing key that matches no published key stops the boot', async (t) => {
  const stray = makeTestKeys()
  await t.rejects(
    buildTestApp(t, { db, keys: { ...stray, publicKeys: keys.publicKeys } }),
    /not in JWT_PUBLIC_KEYS_FILE/
  )
})
