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

t.test('an independent validator accepts the document', async (t) => {
  await t.resolves(validateOpenApi(doc))
})

t.test("Redocly's recommended rules find nothing (trailing slashes aside)", async (t) => {
  t.same(await lintOpenApi(doc), [])
})

// The docs pages in a real browser, over HTTPS, are proved in test/docs-browser.test.ts.
