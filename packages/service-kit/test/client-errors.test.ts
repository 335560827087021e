// Finding: some errors were not problem+json. The HTTP parser's refusals (a NUL in a header, a 20 kB header, a broken
// request line, a request not received in time), the router's (a long parameter, a bad percent-encoding) and
// Content-Type oddities, each over real HTTPS, answer problem+json with our own code.
import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { httpsRequest, rawRequest, rawTls, parseResponses } from '@app/testing'
import { clientErrorHandler } from '../src/client-errors.ts'
import { httpsApp, listenHttps, tls } from './helpers.ts'

const problemJson = 'application/problem+json; charset=utf-8'
const app = await httpsApp()
app.post('/echo', { schema: { body: Type.Object({ s: Type.String() }) } }, async (req) => req.body)
app.get('/thing/:id', async (req) => req.params)
t.teardown(() => app.close())
const base = await listenHttps(app)

/** A complete request that asks for the connection to end after the answer. */
const request = (line: string, headers: string[] = [], body = '') =>
  [line, 'Host: localhost', ...headers, 'Connection: close', '', body].join('\r\n')
const raw = (bytes: string) => rawRequest(base, tls.ca, bytes)

t.test('the HTTP parser\'s refusals are problem+json, and the connection is closed after them', async (t) => {
  const cases: Array<[string, string, number, string]> = [
    ['a NUL in a header', request('GET /health HTTP/1.1', ['X-Note: a\0b']), 400, 'BAD_REQUEST'],
    ['a 20 kB header', request('GET /health HTTP/1.1', [`X-Pad: ${'a'.repeat(20_000)}`]), 431, 'HEADERS_TOO_LARGE'],
    ['a 20 kB URL', request(`GET /health?pad=${'a'.repeat(20_000)} HTTP/1.1`), 431, 'HEADERS_TOO_LARGE'],
    ['a broken request line', 'GARBAGE\r\n\r\n', 400, 'BAD_REQUEST'],
    ['an unknown HTTP version', request('GET /health HTTP/9.9'), 400, 'BAD_REQUEST'],
    ['a method HTTP does not know', request('FROB /health HTTP/1.1'), 400, 'BAD_REQUEST'],
    ['a content-length that is not a number', request('POST /echo HTTP/1.1', ['Content-Length: abc']), 400,
      'BAD_REQUEST'],
    ['both content-length and chunked', request('POST /echo HTTP/1.1',
      ['Content-Length: 3', 'Transfer-Encoding: chunked']), 400, 'BAD_REQUEST']
  ]
  for (const [name, bytes, status, code] of cases) {
    const res = await raw(bytes)
    t.equal(res.status, status, `${name}: status`)
    t.equal(res.headers['content-type'], problemJson, `${name}: problem+json`)
    t.match(res.body, { type: 'about:blank', status, code }, `${name}: our code`)
    t.equal(res.headers.connection, 'close', `${name}: Connection: close`)
    t.ok(res.closedByServer, `${name}: the server ended the connection`)
  }
})

t.test('a parser refusal carries a request id and the transport headers of every other answer', async (t) => {
  const refused = await raw(request('GET /health HTTP/1.1', ['X-Note: a\0b']))
  const normal = await httpsRequest(`${base}/health`, { ca: tls.ca })
  t.match(refused.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.equal(refused.headers['strict-transport-security'], normal.headers['strict-transport-security'])
  t.equal(refused.headers['x-content-type-options'], 'nosniff')
  t.match(refused.headers['content-security-policy'], /default-src 'none'/)
  t.match(refused.body, { detail: /Invalid header value char/ }, 'says what is wrong with the request')
})

t.test('a request that goes on sending headers after the limit gets its 431 and a closed connection', async (t) => {
  const { socket, received } = await rawTls(base, tls.ca)
  socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Pad: ')
  for (let i = 0; i < 16; i++) socket.write('a'.repeat(64 * 1024))
  const [res, ...more] = parseResponses(await received)
  t.match(res, { status: 431, body: { code: 'HEADERS_TOO_LARGE' } })
  t.same(more, [], 'one answer, however often the parser complains')
})

t.test('router errors over HTTPS: a long path parameter is 414, a bad percent-encoding 400', async (t) => {
  const long = await raw(request(`GET /thing/${'a'.repeat(100)} HTTP/1.1`))
  t.equal(long.status, 414)
  t.equal(long.headers['content-type'], problemJson)
  t.match(long.body, { code: 'URI_TOO_LONG' })
  const bad = await raw(request('GET /thing/%zz HTTP/1.1'))
  t.equal(bad.status, 400)
  t.equal(bad.headers['content-type'], problemJson)
  t.match(bad.body, { code: 'BAD_URL' })
  const allowed = await raw(request(`GET /thing/${'a'.repeat(64)} HTTP/1.1`))
  t.equal(allowed.status, 200, 'a 64-character parameter is fine')
})

t.test('a method HTTP knows but no route has is 404 problem+json', async (t) => {
  const res = await raw(request('PROPFIND /health HTTP/1.1'))
  t.equal(res.status, 404)
  t.equal(res.headers['content-type'], problemJson)
  t.match(res.body, { code: 'ROUTE_NOT_FOUND' })
})

t.test('Content-Type: JSON in UTF-8 only, whatever the spelling; anything else is 415', async (t) => {
  const post = (contentType: string | undefined) => raw(request('POST /echo HTTP/1.1', [
    ...(contentType === undefined ? [] : [`Content-Type: ${contentType}`]), 'Content-Length: 9'
  ], '{"s":"a"}'))
  for (const accepted of ['application/json', 'APPLICATION/JSON', 'application/json; charset=UTF-8',
    'application/json;charset="utf-8"']) {
    const res = await post(accepted)
    t.equal(res.status, 200, `${accepted}: accepted`)
    t.same(res.body, { s: 'a' })
  }
  for (const refused of [undefined, '', 'text/plain', 'application/vnd.api+json', 'application/json, text/plain',
    'multipart/form-data; boundary=x', ';;;', 'application/json; charset=latin1', 'application/json; charset=utf-16']) {
    const res = await post(refused)
    t.equal(res.status, 415, `${refused}: 415`)
    t.equal(res.headers['content-type'], problemJson, `${refused}: problem+json`)
    t.match(res.body, { code: 'UNSUPPORTED_MEDIA_TYPE' }, `${refused}: our code`)
  }
})

t.test('a request not received in time is 408 REQUEST_TIMEOUT', async (t) => {
  // short timeouts on a bare Fastify with the same handler; headersTimeout must not exceed requestTimeout, or Node
  // never applies the request timeout
  const slow = Fastify({
    https: { key: tls.key, cert: tls.cert, connectionsCheckingInterval: 50 } as object,
    requestTimeout: 300,
    clientErrorHandler
  })
  slow.post('/echo', async () => 'never')
  t.teardown(() => slow.close())
  const slowBase = await listenHttps(slow)
  slow.server.headersTimeout = 200
  for (const [name, bytes] of [
    ['headers never finished', 'POST /echo HTTP/1.1\r\nHost: localhost\r\n'],
    ['body never finished', 'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      'Content-Length: 10\r\n\r\n{']
  ]) {
    const res = await rawRequest(slowBase, tls.ca, bytes!)
    t.equal(res.status, 408, `${name}: 408`)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.body, { code: 'REQUEST_TIMEOUT' })
    t.ok(res.closedByServer)
  }
})

t.test('after all that the server still answers', async (t) => {
  t.equal((await httpsRequest(`${base}/health`, { ca: tls.ca })).status, 200)
})
