// The OpenAPI checks we rely on must refuse a broken or untidy document, or their "valid" and "tidy" mean nothing.
import t from 'tap'
import { lintOpenApi, validateOpenApi } from '../src/index.ts'

const valid = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: { '/x': { get: { responses: { 200: { description: 'ok' } } } } }
}

t.test('accepts a valid document and refuses a broken one', async (t) => {
  await t.resolves(validateOpenApi(valid))
  await t.rejects(validateOpenApi({ ...valid, paths: { '/x': { get: { responses: { 200: { content: 'nope' } } } } } }))
  await t.rejects(validateOpenApi({ openapi: '3.1.0', paths: {} }), 'info is required')
})

const ok = { description: 'ok' }
const refused = { description: 'refused' }
const id = { name: 'id', in: 'path', required: true, description: 'the id', schema: { type: 'integer' } }
/** A document with nothing for the linter to find, but for what `operations` bring. */
function tidy (operations: Record<string, object>) {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1', license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } },
    servers: [{ url: '/' }],
    tags: [{ name: 'x', description: 'things' }],
    paths: operations
  }
}

t.test('finds what the recommended rules find, trailing slashes aside', async (t) => {
  const operation = { operationId: 'getThing', summary: 'A thing', tags: ['x'], security: [], parameters: [id] }
  const responses = { 200: ok, 404: refused }
  t.same(await lintOpenApi(tidy({ '/thing/{id}/': { get: { ...operation, responses } } })), [])
  const untidy = tidy({ '/thing/{id}/': { get: { tags: ['x'], parameters: [id], responses: { 200: ok } } } })
  t.same((await lintOpenApi(untidy)).map((line) => line.split(' at ')[0]).sort(), [
    'error operation-summary',
    'error security-defined',
    'warn operation-4xx-response',
    'warn operation-operationId'
  ])
})

t.test('an operation with no input is not asked for a 4xx; one with a parameter or a body is', async (t) => {
  const get = { operationId: 'getHealth', summary: 'Health', tags: ['x'], security: [], responses: { 200: ok } }
  t.same(await lintOpenApi(tidy({ '/health': { get } })), [])
  const withBody = { ...get, requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } }
  t.match(await lintOpenApi(tidy({ '/health': { post: withBody } })), [/^warn operation-4xx-response at/])
  t.match(await lintOpenApi(tidy({ '/health/{id}': { get: { ...get, parameters: [id] } } })), [/4xx-response/])
  t.match(await lintOpenApi(tidy({ '/health/{id}': { parameters: [id], get } })), [/4xx-response/])
})
