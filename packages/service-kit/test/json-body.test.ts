// Finding: invalid UTF-8 was stored silently as U+FFFD. Over real HTTPS, a JSON body whose bytes are not UTF-8 is
// 400 INVALID_UTF8, one with a lone surrogate escape 400 LONE_SURROGATE; well-formed text, surrogate pairs included,
// passes unchanged, and Fastify's protections against __proto__/constructor poisoning still hold.
import t from 'tap'
import { Type } from 'typebox'
import { rawRequest } from '@app/testing'
import { loneSurrogateAt } from '../src/json-body.ts'
import { httpsApp, listenHttps, tls } from './helpers.ts'

const app = await httpsApp()
app.post('/echo', { schema: { body: Type.Object({ s: Type.String() }) } }, async (req) => req.body)
app.post('/any', async (req) => ({ got: typeof req.body }))
t.teardown(() => app.close())
const base = await listenHttps(app)

/** POSTs these exact bytes as application/json. */
function post (path: string, body: Buffer | string) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  const head = `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`
  return rawRequest(base, tls.ca, Buffer.concat([Buffer.from(head, 'latin1'), bytes]))
}
const utf8Around = (bytes: number[]) =>
  Buffer.concat([Buffer.from('{"s":"a'), Buffer.from(bytes), Buffer.from('b"}')])

t.test('a body that is not UTF-8 is 400 INVALID_UTF8', async (t) => {
  const cases: Array<[string, Buffer]> = [
    ['a raw 0xff byte', utf8Around([0xff])],
    ['a Latin-1 é', utf8Around([0xe9])],
    ['an overlong "/"', utf8Around([0xc0, 0xaf])],
    ['a surrogate encoded as UTF-8 (CESU)', utf8Around([0xed, 0xa0, 0x80])],
    ['a code point above U+10FFFF', utf8Around([0xf4, 0x90, 0x80, 0x80])],
    ['a sequence cut short at the end', Buffer.concat([Buffer.from('{"s":"a"}'), Buffer.from([0xe2, 0x82])])]
  ]
  for (const [name, body] of cases) {
    const res = await post('/echo', body)
    t.equal(res.status, 400, `${name}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
    t.match(res.body, { status: 400, code: 'INVALID_UTF8' }, `${name}: INVALID_UTF8`)
  }
})

t.test('a string or property name with a lone surrogate is 400 LONE_SURROGATE, naming where', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['a lone high surrogate', '{"s":"\\ud800"}', /^body\/s /],
    ['a lone low surrogate', '{"s":"x\\uDC00y"}', /^body\/s /],
    ['a high surrogate before a non-surrogate escape', '{"s":"\\ud83d\\u0041"}', /^body\/s /],
    ['in a property name', '{"s":"a","\\ud800":1}', /property name in body/],
    ['deep in arrays', `{"s":"a","x":${'['.repeat(5000)}"\\udfff"${']'.repeat(5000)}}`, /^body\/x\/0\/0/]
  ]
  for (const [name, body, where] of cases) {
    const res = await post(name.includes('arrays') ? '/any' : '/echo', body)
    t.equal(res.status, 400, `${name}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
    t.match(res.body, { status: 400, code: 'LONE_SURROGATE', detail: where }, `${name}: LONE_SURROGATE`)
  }
})

t.test('well-formed text passes unchanged', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['raw multi-byte text', '{"s":"Grüße 😀 東京"}', 'Grüße 😀 東京'],
    ['an escaped surrogate pair', '{"s":"\\ud83d\\ude00"}', '😀'],
    ['an escaped backslash before "ud800"', '{"s":"\\\\ud800"}', '\\ud800'],
    ['a BMP escape', '{"s":"\\u00e9\\uFFFD"}', 'é\uFFFD']
  ]
  for (const [name, body, s] of cases) {
    const res = await post('/echo', body)
    t.equal(res.status, 200, `${name}: 200`)
    t.same(res.body, { s }, `${name}: unchanged`)
  }
})

t.test('the JSON parser keeps Fastify\'s protections and its errors', async (t) => {
  const proto = await post('/any', '{"s":"a","__proto__":{"admin":true}}')
  t.match(proto, { status: 400, body: { code: 'MALFORMED_JSON' } }, '__proto__ poisoning refused')
  const ctor = await post('/any', '{"constructor":{"prototype":{"admin":true}}}')
  t.match(ctor, { status: 400, body: { code: 'MALFORMED_JSON' } }, 'constructor poisoning refused')
  t.match(await post('/echo', ''), { status: 400, body: { code: 'MALFORMED_JSON' } }, 'an empty body')
  t.match(await post('/echo', '{"s":'), { status: 400, body: { code: 'MALFORMED_JSON' } }, 'cut short')
  t.match(await post('/echo', '{"s":1}'), { status: 400, body: { code: 'VALIDATION_FAILED' } }, 'then the schema')
})

t.test('finding a lone surrogate walks any depth without recursion', async (t) => {
  let deep: unknown = 'ok'
  for (let i = 0; i < 200_000; i++) deep = [deep]
  t.equal(loneSurrogateAt(deep), undefined)
  t.equal(loneSurrogateAt({ a: [{ b: '\ud800' }] }), 'body/a/0/b')
  t.equal(loneSurrogateAt({ a: '\ud83d\ude00' }), undefined, 'a pair is one code point')
})
