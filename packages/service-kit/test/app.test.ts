// The base app's shared behaviour: problem+json for every failure, request ids, health, docs.
import t from 'tap'
import { Type } from 'typebox'
import { createTestDatabase, makeTestKeys } from '@app/testing'
import { createServiceApp, AppError } from '../src/index.ts'

/** Nothing listens on port 1: a database that refuses at once. */
const NO_DATABASE = 'postgres://nobody:none@127.0.0.1:1/none'
const keys = makeTestKeys()

async function app (databaseUrl = NO_DATABASE) {
  const app = await createServiceApp({
    logLevel: 'silent',
    database: { url: databaseUrl, max: 1 },
    auth: { publicKeys: keys.publicKeys, issuer: 'users-service', audience: 'classifieds', maxAgeSeconds: 900 },
    bodyLimit: 1024,
    docs: { title: 'test', version: '0.0.0', description: 'test', tags: [] }
  })
  const body = Type.Object({ n: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })
  app.post('/echo', { schema: { body } }, async (req) => req.body)
  app.get('/boom', async () => { throw new Error('secret internals: password=hunter2') })
  app.get('/teapot', async () => { throw new AppError(409, 'SOMETHING_TAKEN', 'already there') })
  t.teardown(() => app.close())
  return app
}

const problemType = 'application/problem+json; charset=utf-8'

t.test('unknown route → 404 problem+json', async (t) => {
  const res = await (await app()).inject({ method: 'GET', url: '/nowhere' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], problemType)
  t.match(res.json(), { type: 'about:blank', status: 404, code: 'ROUTE_NOT_FOUND', title: 'Not Found' })
})

t.test('malformed JSON → 400 MALFORMED_JSON', async (t) => {
  const res = await (await app()).inject({
    method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"n":'
  })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['content-type'], problemType)
  t.match(res.json(), { status: 400, code: 'MALFORMED_JSON' })
})

t.test('body too large → 413', async (t) => {
  const res = await (await app()).inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ n: 1, pad: 'x'.repeat(4096) })
  })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { status: 413, code: 'PAYLOAD_TOO_LARGE' })
})

t.test('validation names the failing field; strings are not coerced to numbers', async (t) => {
  const a = await app()
  const res = await a.inject({ method: 'POST', url: '/echo', payload: { n: '5' } })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/n' }] })
  const missing = await a.inject({ method: 'POST', url: '/echo', payload: {} })
  t.match(missing.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/n' }] })
  const extra = await a.inject({ method: 'POST', url: '/echo', payload: { n: 1, x: 2 } })
  t.match(extra.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/x' }] })
  const slash = await a.inject({ method: 'POST', url: '/echo/', payload: { n: 1 } })
  t.equal(slash.statusCode, 200, 'trailing slash is the same route')
})

t.test('wrong content type → 415', async (t) => {
  const res = await (await app()).inject({
    method: 'POST', url: '/echo', headers: { 'content-type': 'text/plain' }, payload: 'n=1'
  })
  t.equal(res.statusCode, 415)
  t.match(res.json(), { code: 'UNSUPPORTED_MEDIA_TYPE' })
})

t.test('an unexpected error → 500 that says nothing of the internals', async (t) => {
  const res = await (await app()).inject({ method: 'GET', url: '/boom' })
  t.equal(res.statusCode, 500)
  t.same(res.json(), {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred',
    code: 'INTERNAL_ERROR'
  })
  t.notMatch(res.body, /hunter2|secret|stack/)
})

t.test('domain errors keep their status and code', async (t) => {
  const res = await (await app()).inject({ method: 'GET', url: '/teapot' })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 'SOMETHING_TAKEN', detail: 'already there' })
})

t.test('x-request-id is echoed when sane and made otherwise', async (t) => {
  const a = await app()
  const given = await a.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } })
  t.equal(given.headers['x-request-id'], 'abc-123')
  const insane = await a.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a b\u00e9<script>' } })
  t.match(insane.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const error = await a.inject({ method: 'GET', url: '/nowhere' })
  t.match(error.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'errors carry one too')
})

t.test('health answers without I/O; ready follows the database check', async (t) => {
  const db = await createTestDatabase(t)
  const up = await app(db.offersUrl)
  t.same((await up.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok' })
  t.same((await up.inject({ method: 'GET', url: '/ready' })).json(), { status: 'ready' })
  const a = await app()
  const res = await a.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'DATABASE_UNAVAILABLE' })
  t.equal((await a.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'health does not depend on the database')
})

t.test('docs are generated', async (t) => {
  const a = await app()
  const doc = (await a.inject({ method: 'GET', url: '/docs/json' })).json()
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.paths['/echo'])
  const ready503 = doc.paths['/ready'].get.responses['503']
  t.ok(ready503.content['application/problem+json'].schema, 'errors documented as problem+json')
  t.same(doc.servers, [{ url: '/' }], 'no public URL: the origin the document is served from')
  t.same(doc.info.license, { name: 'Proprietary, all rights reserved', identifier: 'LicenseRef-Proprietary' })
  t.same(doc.paths['/health'].get.security, [], 'a public operation says it needs no token')
  t.equal((await a.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true)
})
