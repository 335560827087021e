// The OpenAPI document and the docs page: generated from the route schemas, valid, and rendered by a browser.
import t from 'tap'
import { chromiumPath, hasChromium, launchChromium, makeTestKeys, validateOpenApi } from '@app/testing'
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
  t.same(Object.keys(create.responses).sort(), ['201', '400', '401', '403', '404', '413', '415', '500'])
  t.ok(create.requestBody.content['application/json'].schema.properties.title)
  const query = doc.paths['/offer/'].post
  t.notOk(query.security, 'finding offers needs no token')
  t.same(Object.keys(query.responses).sort(), ['200', '400', '413', '415', '500'])
  for (const op of [create, query]) {
    t.ok(op.summary && op.description, 'summary and description')
    t.same(op.tags, ['offers'])
  }
})

t.test('an independent validator accepts the document', async (t) => {
  await t.resolves(validateOpenApi(doc))
})

t.test('the docs page shows every route in a browser, with no outside calls', { skip: hasChromium() ? false : `no Chromium at ${chromiumPath}` }, async (t) => {
  // the page is under test here, not TLS: this app was built without a certificate
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  const outside: string[] = []
  page.on('request', (request) => { if (!request.url().startsWith(base)) outside.push(request.url()) })
  await page.goto(`${base}/docs`)
  const operations = page.locator('.opblock-summary-path')
  await operations.first().waitFor({ timeout: 20_000 })
  const paths = []
  for (let i = 0; i < await operations.count(); i++) paths.push(await operations.nth(i).getAttribute('data-path'))
  t.same(paths.sort(), ['/health', '/offer/', '/offer/create/', '/ready'])
  t.same(outside, [])
})
