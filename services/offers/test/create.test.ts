// POST /offer/create/: every row of the contract, success and error, against a real PostgreSQL.
import t from 'tap'
import { createPublicKey } from 'node:crypto'
import { claims, forge, makeTestKeys, signToken } from '@app/testing'
import { offersHarness } from './helpers.ts'

const h = await offersHarness(t)
const problemJson = 'application/problem+json; charset=utf-8'

const create = (payload: unknown, token?: string, url = '/offer/create/') => h.app.inject({
  method: 'POST',
  url,
  headers: token ? { authorization: `Bearer ${token}` } : {},
  payload: payload as object
})

t.test('201 with the stored offer; the trailing slash is optional', async (t) => {
  const userId = await h.createUser()
  const before = Date.now()
  const res = await create({ user_id: userId, title: 'Bike', text: 'A red bike, barely used' }, h.token(userId))
  t.equal(res.statusCode, 201)
  const offer = res.json()
  t.match(offer, { id: Number, user_id: userId, title: 'Bike', text: 'A red bike, barely used', created_at: String })
  t.same(Object.keys(offer).sort(), ['created_at', 'id', 'text', 'title', 'updated_at', 'user_id'])
  t.match(offer.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.ok(Date.parse(offer.created_at) >= before - 1000, 'created now')
  const found = await h.app.inject({ method: 'POST', url: '/offer/', payload: { offer_id: offer.id } })
  t.same(found.json(), offer, 'the same offer is found by id')
  const noSlash = await create({ user_id: userId, title: 'Lamp', text: 'Brass' }, h.token(userId), '/offer/create')
  t.equal(noSlash.statusCode, 201)
  t.not(noSlash.json().id, offer.id)
})

t.test('the limits are characters, the same for the schema and the database', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const longest = await create({ user_id: userId, title: 'x'.repeat(200), text: 'y'.repeat(10_000) }, token)
  t.equal(longest.statusCode, 201, '200 and 10 000 characters are accepted')
  // astral characters are two UTF-16 units each: 200 of them are still 200 characters
  const emoji = '🚲'.repeat(200)
  const astral = await create({ user_id: userId, title: emoji, text: 'ü' }, token)
  t.equal(astral.statusCode, 201)
  t.equal(astral.json().title, emoji, 'stored and answered unchanged')
  const one = await create({ user_id: userId, title: 'a', text: ' b ' }, token)
  t.equal(one.statusCode, 201)
  t.equal(one.json().text, ' b ', 'text is kept as sent')
})

t.test('401 for a missing or bad token, each with problem+json and WWW-Authenticate', async (t) => {
  const userId = await h.createUser()
  const body = { user_id: userId, title: 'Bike', text: 'Red' }
  const good = claims({ userId })
  const publicPem = createPublicKey({ key: { ...h.keys.publicKeys[0]! }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
  const stranger = makeTestKeys()
  const cases: Record<string, Record<string, string>> = {
    'no authorization header': {},
    'not a Bearer scheme': { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    'an empty Bearer': { authorization: 'Bearer ' },
    'not a JWT': { authorization: 'Bearer nonsense' },
    'alg none': { authorization: `Bearer ${forge.algNone(good)}` },
    'HMAC keyed with the public key': {
      authorization: `Bearer ${forge.hmacWithPublicKey(publicPem, good, h.keys.kid)}`
    },
    'tampered payload': {
      authorization: `Bearer ${forge.tampered(
        h.token(userId), { ...good, user_id: userId + 1, sub: String(userId + 1) }
      )}`
    },
    expired: { authorization: `Bearer ${h.token(userId, { ttlSeconds: -60 })}` },
    'wrong issuer': { authorization: `Bearer ${h.token(userId, { issuer: 'someone-else' })}` },
    'wrong audience': { authorization: `Bearer ${h.token(userId, { audience: 'another-app' })}` },
    'signed by a key we do not know, under our kid': {
      authorization: `Bearer ${signToken(stranger, good, h.keys.kid)}`
    },
    'signed by a key we do not know': { authorization: `Bearer ${signToken(stranger, good)}` },
    'user_id missing from the claims': {
      authorization: `Bearer ${signToken(h.keys, { ...good, user_id: undefined })}`
    },
    'sub not matching user_id': { authorization: `Bearer ${signToken(h.keys, { ...good, sub: String(userId + 1) })}` }
  }
  for (const [name, headers] of Object.entries(cases)) {
    const res = await h.app.inject({ method: 'POST', url: '/offer/create/', headers, payload: body })
    t.equal(res.statusCode, 401, name)
    t.equal(res.headers['content-type'], problemJson, `${name}: problem+json`)
    t.match(res.json(), { status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized' }, name)
    t.match(res.headers['www-authenticate'], /^Bearer/, `${name}: WWW-Authenticate`)
  }
  const count = await h.app.inject({ method: 'POST', url: '/offer/', payload: { user_id: userId } })
  t.same(count.json(), [], 'nothing was created')
})

t.test('401 comes before the body is looked at', async (t) => {
  const res = await create({ nonsense: true })
  t.equal(res.statusCode, 401)
})

t.test('403 when user_id is not the token\'s user', async (t) => {
  const me = await h.createUser()
  const other = await h.createUser()
  const res = await create({ user_id: other, title: 'Bike', text: 'Red' }, h.token(me))
  t.equal(res.statusCode, 403)
  t.equal(res.headers['content-type'], problemJson)
  t.match(res.json(), { status: 403, code: 'FORBIDDEN' })
  const theirs = await h.app.inject({ method: 'POST', url: '/offer/', payload: { user_id: other } })
  t.same(theirs.json(), [], 'nothing was created for the other user')
})

t.test('404 for a user that does not exist, found through the foreign key', async (t) => {
  const ghost = 2 ** 40
  const res = await create({ user_id: ghost, title: 'Bike', text: 'Red' }, h.token(ghost))
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], problemJson)
  t.match(res.json(), { status: 404, code: 'USER_NOT_FOUND' })

  const gone = await h.createUser()
  const token = h.token(gone)
  await h.deleteUser(gone)
  const late = await create({ user_id: gone, title: 'Bike', text: 'Red' }, token)
  t.equal(late.statusCode, 404, 'deleted while the token is still valid')
  t.match(late.json(), { code: 'USER_NOT_FOUND' })
})

t.test('400 names the failing field', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const ok = { user_id: userId, title: 'Bike', text: 'Red' }
  const cases: Array<[string, unknown, string]> = [
    ['user_id missing', { title: 'Bike', text: 'Red' }, '/user_id'],
    ['user_id as a string', { ...ok, user_id: String(userId) }, '/user_id'],
    ['user_id a float', { ...ok, user_id: userId + 0.5 }, '/user_id'],
    ['user_id zero', { ...ok, user_id: 0 }, '/user_id'],
    ['user_id negative', { ...ok, user_id: -userId }, '/user_id'],
    ['user_id beyond 2^53 − 1', { ...ok, user_id: 2 ** 53 }, '/user_id'],
    ['user_id null', { ...ok, user_id: null }, '/user_id'],
    ['title missing', { user_id: userId, text: 'Red' }, '/title'],
    ['title empty', { ...ok, title: '' }, '/title'],
    ['title only spaces', { ...ok, title: '   ' }, '/title'],
    ['title of 201 characters', { ...ok, title: 'x'.repeat(201) }, '/title'],
    ['title a number', { ...ok, title: 42 }, '/title'],
    ['title with a NUL character', { ...ok, title: 'a\u0000b' }, '/title'],
    ['text missing', { user_id: userId, title: 'Bike' }, '/text'],
    ['text empty', { ...ok, text: '' }, '/text'],
    ['text of 10 001 characters', { ...ok, text: 'y'.repeat(10_001) }, '/text'],
    ['text with a NUL character', { ...ok, text: '\u0000' }, '/text'],
    ['an unknown property', { ...ok, price: 10 }, '/price'],
    ['an array', [ok], '/']
  ]
  for (const [name, payload, path] of cases) {
    const res = await create(payload, token)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], problemJson, `${name}: problem+json`)
    t.match(res.json(), { status: 400, code: 'VALIDATION_FAILED', errors: [{ path, message: String }] }, name)
  }
  const mine = await h.app.inject({ method: 'POST', url: '/offer/', payload: { user_id: userId } })
  t.same(mine.json(), [], 'nothing was created')
})

t.test('malformed JSON → 400, another media type → 415, too large → 413', async (t) => {
  const userId = await h.createUser()
  const headers = { authorization: `Bearer ${h.token(userId)}`, 'content-type': 'application/json' }
  const malformed = await h.app.inject({ method: 'POST', url: '/offer/create/', headers, payload: '{"user_id":' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { code: 'MALFORMED_JSON' })
  const empty = await h.app.inject({ method: 'POST', url: '/offer/create/', headers, payload: '' })
  t.equal(empty.statusCode, 400)
  const text = await h.app.inject({
    method: 'POST',
    url: '/offer/create/',
    headers: { ...headers, 'content-type': 'text/plain' },
    payload: 'title=Bike'
  })
  t.equal(text.statusCode, 415)
  t.match(text.json(), { code: 'UNSUPPORTED_MEDIA_TYPE' })
  const large = await create({ user_id: userId, title: 'Bike', text: 'y'.repeat(100_000) }, h.token(userId))
  t.equal(large.statusCode, 413)
  t.match(large.json(), { code: 'PAYLOAD_TOO_LARGE' })
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
