// The OpenAPI validator we rely on must refuse a broken document, or its "valid" means nothing.
import t from 'tap'
import { validateOpenApi } from '../src/index.ts'

const valid = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: { 200: { description: 'ok' } } } } } }

t.test('accepts a valid document and refuses a broken one', async (t) => {
  await t.resolves(validateOpenApi(valid))
  await t.rejects(validateOpenApi({ ...valid, paths: { '/x': { get: { responses: { 200: { content: 'nope' } } } } } }))
  await t.rejects(validateOpenApi({ openapi: '3.1.0', paths: {} }), 'info is required')
})
