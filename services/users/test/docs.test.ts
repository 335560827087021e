// The OpenAPI document: every Users route of the contract, described, with a response per status and bearerAuth
// where needed.
import t from 'tap'
import { lintOpenApi, validateOpenApi } from '@app/testing'
import { setup } from './helpers/app.ts'

const { app } = await setup(t)
const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()

const routes: Array<[string, string, string[], boolean]> = [
  ['post', '/user/registry/', ['201', '400', '409', '413', '415', '500', '503'], false],
  ['post', '/user/auth/', ['200', '400', '401', '429', '500', '503'], false],
  ['post', '/user/auth/refresh/', ['200', '400', '401', '500', '503'], false],
  ['post', '/user/auth/logout/', ['204', '400', '401', '500', '503'], false],
  ['get', '/user/{user_id}/', ['200', '400', '401', '404', '503', '500'], true],
  ['patch', '/user/{user_id}/', ['200', '400', '401', '403', '404', '409', '500', '503'], true],
  ['delete', '/user/{user_id}/', ['204', '400', '401', '403', '404', '500', '503'], true],
  ['get', '/users/', ['200', '400', '401', '500', '503'], true],
  ['get', '/.well-known/jwks.json', ['200', '500', '503'], false],
  ['get', '/user/auth/sessions/', ['200', '401', '500', '503'], true],
  ['delete', '/user/auth/sessions/{session_id}/', ['204', '400', '401', '404', '500', '503'], true],
  ['delete', '/user/auth/sessions/', ['204', '401', '500', '503'], true],
  ['get', '/user/{user_id}/audit/', ['200', '400', '401', '403', '404', '500', '503'], true]
]

t.test('the document is valid OpenAPI', async (t) => {
  await t.resolves(validateOpenApi(doc))
})

t.test("Redocly's recommended rules find nothing (trailing slashes aside)", async (t) => {
  t.same(await lintOpenApi(doc), [])
})

t.test('each route is documented with all its statuses', async (t) => {
  t.equal(doc.openapi, '3.1.0')
  for (const [method, path, statuses, secured] of routes) {
    const op = doc.paths[path]?.[method]
    t.ok(op, `${method} ${path} documented`)
    if (!op) continue
    t.ok(op.summary && op.description && op.tags?.length, `${method} ${path} has summary, description, tags`)
    for (const status of statuses) t.ok(op.responses[status], `${method} ${path} ${status}`)
    t.same(op.security, secured ? [{ bearerAuth: [] }] : [], `${method} ${path} security`)
  }
  t.notOk(doc.paths['/user/{user_id}/'].delete.responses['204'].content, '204 has no body')
  t.ok(doc.paths['/user/auth/'].post.responses['429'].content['application/problem+json'], 'errors are problem+json')
})

// The docs pages in a real browser, over HTTPS, are proved in test/docs-browser.test.ts.
