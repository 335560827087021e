// The OpenAPI document and the docs page: generated from the route schemas, valid, and rendered by a browser.
import t from 'tap'
import { lintOpenApi, makeTestKeys, validateOpenApi } from '@app/testing'
import { buildTestApp, closedPort, offersConfig } from './helpers.ts'

// the document needs no database: a URL where nothing listens is enough
const url = `postgres://offers_svc:unused@127.0.0.1:${await closedPort()}/nowhere`
const { app } = await buildTestApp(t, offersConfig(url, makeTestKeys()))
const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()

t.test('the document describes both offer routes fully', async (t) => {
  t.equal(doc.openapi, '3.1.0')
  t.same(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
  const create = doc.paths['/offer/create/'].post
  t.same(create.security, [{ bearerAuth: [] }])
  t.same(Object.keys(create.responses).sort(),
    ['201', '400', '401', '403', '404', '409', '413', '415', '422', '500', '503'])
  t.ok(create.requestBody.content['application/json'].schema.properties.title)
  const query = doc.paths['/offer/'].post
  t.same(query.security, [], 'finding offers needs no token')
  t.same(Object.keys(query.responses).sort(), ['200', '400', '413', '415', '500', '503'])
  for (const op of [create, query]) {
    t.ok(op.summary && op.description, 'summary and description')
    t.same(op.tags, ['offers'])
  }
})

t.test('GET /offers/ is documented from its schemas: query, page, cursor, Link', async (t) => {
  const list = doc.paths['/offers/'].get
  t.same(list.security, [], 'listing offers needs no token')
  t.same(list.parameters.map((p: { name: string, in: string }) => `${p.in}:${p.name}`).sort(),
    ['query:cursor', 'query:limit', 'query:user_id'])
  const limit = list.parameters.find((p: { name: string }) => p.name === 'limit')
  t.match(limit.schema, { minimum: 1, maximum: 100, default: 20 })
  t.same(Object.keys(list.responses).sort(), ['200', '400', '500', '503'])
  const page = list.responses['200'].content['application/json'].schema
  t.same(Object.keys(page.properties).sort(), ['items', 'next_cursor'])
  t.match(list.description, /Link: <…>; rel="next"/)
  t.match(doc.paths['/offer/'].post.description, /at most 100/)
})

t.test('the owner\'s PATCH and DELETE /offer/{offer_id}/ are documented, behind a token', async (t) => {
  const route = doc.paths['/offer/{offer_id}/']
  t.same(Object.keys(route).sort(), ['delete', 'patch'])
  const { patch, delete: remove } = route
  t.same(Object.keys(patch.responses).sort(), ['200', '400', '401', '403', '404', '413', '415', '500', '503'])
  t.same(Object.keys(remove.responses).sort(), ['204', '400', '401', '403', '404', '500', '503'])
  t.same(Object.keys(patch.requestBody.content['application/json'].schema.properties).sort(), ['text', 'title'])
  const offer = patch.responses['200'].content['application/json'].schema
  t.ok(offer.required.includes('updated_at'), 'the Offer answered has updated_at')
  for (const op of [patch, remove]) {
    t.same(op.security, [{ bearerAuth: [] }])
    t.match(op.parameters, [{ in: 'path', name: 'offer_id', required: true, schema: { type: 'integer', minimum: 1 } }])
    t.ok(op.summary && op.description, 'summary and description')
    t.same(op.tags, ['offers'])
  }
})

t.test('an independent validator accepts the document', async (t) => {
  await t.resolves(validateOpenApi(doc))
})

t.test("Redocly's recommended rules find nothing (trailing slashes aside)", async (t) => {
  t.same(await lintOpenApi(doc), [])
})

// The docs pages in a real browser, over HTTPS, are proved in test/docs-browser.test.ts.
