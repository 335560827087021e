// The conformance hook itself: it must catch an undeclared status and a body that breaks its schema.
import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { enforceConformance } from '../src/index.ts'

const app = Fastify()
const failures = enforceConformance(app)
const schema = {
  response: {
    200: Type.Object({ id: Type.Integer(), at: Type.Optional(Type.String({ format: 'date-time' })) }),
    204: Type.Null()
  }
}
app.get('/good', { schema }, async () => ({ id: 1 }))
// the serializer would catch a wrong type itself; a broken format is only caught by validation
app.get('/bad-body', { schema }, async () => ({ id: 1, at: 'yesterday' }))
app.get('/undeclared', { schema }, async (_req, reply) => reply.code(202 as 200).send({ id: 1 }))
app.get('/empty', { schema }, async (_req, reply) => reply.code(204).send())
t.teardown(() => app.close())

t.test('a conforming response passes untouched', async (t) => {
  t.equal((await app.inject('/good')).statusCode, 200)
  t.equal((await app.inject('/empty')).statusCode, 204)
  t.same(failures, [])
})

t.test('a body that breaks the schema, or an undeclared status, fails', async (t) => {
  const bad = await app.inject('/bad-body')
  t.equal(bad.statusCode, 500)
  t.match(bad.json(), { code: 'CONFORMANCE_FAILED' })
  t.equal((await app.inject('/undeclared')).statusCode, 500)
  t.match(failures, [{ route: 'GET /bad-body', status: 200 }, { route: 'GET /undeclared', status: 202, problem: /not declared/ }])
})

t.test('problem+json responses are checked under their own media type', async (t) => {
  const { problems } = await import('@app/service-kit')
  const a = Fastify()
  const seen = enforceConformance(a)
  a.get('/p', { schema: { response: { 200: Type.Object({ id: Type.Integer() }), ...problems(404) } } },
    async (_req, reply) => reply.code(404 as 200).type('application/problem+json')
      .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'x', code: 'NOPE' }))
  a.get('/wrong', { schema: { response: { ...problems(404) } } }, async (_req, reply) =>
    reply.code(404 as 200).send({ nope: true }))
  t.teardown(() => a.close())
  const res = await a.inject('/p')
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(seen, [])
  t.equal((await a.inject('/wrong')).statusCode, 500, 'plain JSON where problem+json is declared fails')
})
