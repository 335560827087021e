// updateOffer and deleteOffer against HTTPS servers that answer what a test writes: the request as the contract
// says, refusals with their problem code, and bodies outside the contract or beyond the bound refused.
import t from 'tap'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { testTls } from '@app/testing'
import { createOffersClient, OffersClientError, OffersProblemError, ONE_OFFER_MAX_BYTES } from '../src/index.ts'
import { json, stubServer } from './stub-server.ts'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
type Answer = (req: IncomingMessage, res: ServerResponse) => void

const offer = {
  id: 7,
  user_id: 3,
  title: 'Blue bike',
  text: 'Red',
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-23T10:00:00.000Z'
}
const caller = { token: 'the-token', requestId: 'req-7' }

async function withServer (t: Tap, answer: Answer) {
  const server = await stubServer(t, answer)
  const client = createOffersClient({ baseUrl: `${server.url}/api`, ca: testTls('offers').ca, timeoutMs: 2000 })
  t.teardown(() => client.close())
  return { server, client }
}

const rejection = (call: Promise<unknown>) => call.then(() => undefined, (err: unknown) => err)

t.test('updateOffer: PATCH with the token and the changes; the offer comes back typed', async (t) => {
  const { server, client } = await withServer(t, json(200, offer))
  t.same(await client.updateOffer(7, { title: 'Blue bike' }, caller), offer)
  t.match(server.requests, [{
    method: 'PATCH',
    url: '/api/offer/7/',
    headers: { authorization: 'Bearer the-token', 'content-type': 'application/json', 'x-request-id': 'req-7' }
  }])
  t.same(JSON.parse(server.requests[0]!.body), { title: 'Blue bike' })
})

t.test('deleteOffer: DELETE with the token and no body; 204 resolves', async (t) => {
  const { server, client } = await withServer(t, (_req, res) => { res.writeHead(204).end() })
  t.equal(await client.deleteOffer(7, { token: 'the-token' }), undefined)
  t.match(server.requests, [{ method: 'DELETE', url: '/api/offer/7/', headers: { authorization: 'Bearer the-token' } }])
  t.notOk(server.requests[0]!.headers['content-type'], 'no body, so no content type')
  t.equal(server.requests[0]!.body, '')
})

t.test('a refusal is an OffersProblemError with its status and code', async (t) => {
  for (const [status, code] of [[403, 'NOT_OWNER'], [404, 'OFFER_NOT_FOUND'], [401, 'UNAUTHORIZED']] as const) {
    const problem = { type: 'about:blank', title: 'x', status, detail: 'because', code }
    const { client } = await withServer(t, json(status, problem))
    for (const call of [client.updateOffer(7, { text: 'x' }, caller), client.deleteOffer(7, caller)]) {
      const err = await rejection(call)
      t.ok(err instanceof OffersProblemError, code)
      t.match(err, { failure: 'status', statusCode: status, code, message: new RegExp(`${status} ${code}: because`) })
    }
  }
})

t.test('5xx, or a status the contract does not list, is a plain status failure', async (t) => {
  for (const status of [500, 503, 201]) {
    const { client } = await withServer(t, json(status, { code: 'X' }))
    const err = await rejection(client.deleteOffer(7, caller))
    t.ok(err instanceof OffersClientError && !(err instanceof OffersProblemError), String(status))
    t.match(err, { failure: 'status', statusCode: status })
  }
})

t.test('a 200 outside the contract, or beyond the bound, is invalid_body', async (t) => {
  const bodies: Array<[string, Answer]> = [
    ['not JSON', (_req, res) => { res.writeHead(200).end('<html>') }],
    ['no updated_at', json(200, { ...offer, updated_at: undefined })],
    ['a list', json(200, [offer])],
    ['too large', json(200, { ...offer, text: 'x'.repeat(ONE_OFFER_MAX_BYTES) })]
  ]
  for (const [name, answer] of bodies) {
    const { client } = await withServer(t, answer)
    t.match(await rejection(client.updateOffer(7, { title: 'x' }, caller)), { failure: 'invalid_body' }, name)
  }
})
