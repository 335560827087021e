// Finding: an offer title with a raw 0xff byte or a lone surrogate "\ud800" was accepted (201) and stored as U+FFFD.
// Over real HTTPS, each is refused 400 problem+json (INVALID_UTF8 / LONE_SURROGATE) on every route with a body, and
// no row is written or changed; well-formed text, astral characters included, is stored exactly.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '@app/service-kit'
import { rawRequest, testTls } from '@app/testing'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const base = await listen(h.app)
const asOffers = createDb({ url: h.db.offersUrl, max: 1 })
t.teardown(() => asOffers.destroy())
const problemJson = 'application/problem+json; charset=utf-8'

/** The offers rows of a user, straight from the table. */
async function rowsOf (userId: number) {
  const { rows } = await sql<{ id: number, title: string, text: string }>`
    select id, title, text from offers.offers where user_id = ${userId} order by id`.execute(asOffers)
  return rows
}

/** Sends `body` as these exact bytes, as application/json, with a token for `userId`. */
function send (method: 'POST' | 'PATCH', path: string, userId: number, body: Buffer) {
  const head = [
    `${method} ${path} HTTP/1.1`, 'Host: localhost', 'Content-Type: application/json',
    `Authorization: Bearer ${h.token(userId)}`, `Content-Length: ${body.length}`, 'Connection: close', '', ''
  ].join('\r\n')
  return rawRequest(base, tls.ca, Buffer.concat([Buffer.from(head, 'latin1'), body]))
}

/** JSON.stringify writes a lone surrogate as its escape, "\ud800", as a client would. */
const json = (value: unknown) => Buffer.from(JSON.stringify(value))

/** `{"user_id":…,"title":"Bike<bytes>","text":"Red"}` with the given raw bytes inside the title. */
const titleWithBytes = (userId: number, bytes: number[]) => Buffer.concat([
  Buffer.from(`{"user_id":${userId},"title":"Bike`), Buffer.from(bytes), Buffer.from('","text":"Red"}')
])

t.test('an offer title with a raw 0xff byte is 400 INVALID_UTF8 and no row is written', async (t) => {
  const userId = await h.createUser()
  for (const [name, bytes] of [['0xff', [0xff]], ['Latin-1 é', [0xe9]], ['CESU-8 surrogate', [0xed, 0xa0, 0x80]]]) {
    const res = await send('POST', '/offer/create/', userId, titleWithBytes(userId, bytes as number[]))
    t.equal(res.status, 400, `${name}: 400`)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.body, { status: 400, code: 'INVALID_UTF8' })
  }
  t.same(await rowsOf(userId), [], 'nothing stored')
})

t.test('a lone surrogate in the title or text is 400 LONE_SURROGATE and no row is written', async (t) => {
  const userId = await h.createUser()
  for (const offer of [{ title: '\ud800', text: 'Red' }, { title: 'Bike', text: 'Red \udfff bike' }]) {
    const res = await send('POST', '/offer/create/', userId, json({ user_id: userId, ...offer }))
    t.equal(res.status, 400)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.body, { status: 400, code: 'LONE_SURROGATE', detail: offer.title === 'Bike' ? /body\/text/ : /title/ })
  }
  t.same(await rowsOf(userId), [], 'nothing stored')
})

t.test('an edit with invalid text is refused and the offer stays as it was', async (t) => {
  const userId = await h.createUser()
  const created = await send('POST', '/offer/create/', userId, json({ user_id: userId, title: 'Bike', text: 'Red' }))
  t.equal(created.status, 201)
  const id = (created.body as { id: number }).id
  const surrogate = await send('PATCH', `/offer/${id}/`, userId, json({ title: 'x\ud800' }))
  t.match(surrogate, { status: 400, body: { code: 'LONE_SURROGATE' } })
  const raw = await send('PATCH', `/offer/${id}/`, userId,
    Buffer.concat([Buffer.from('{"title":"x'), Buffer.from([0xff]), Buffer.from('"}')]))
  t.match(raw, { status: 400, body: { code: 'INVALID_UTF8' } })
  t.same(await rowsOf(userId), [{ id, title: 'Bike', text: 'Red' }], 'unchanged')
})

t.test('the offer query refuses the same bodies', async (t) => {
  const userId = await h.createUser()
  const raw = await send('POST', '/offer/', userId, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))
  t.match(raw, { status: 400, body: { code: 'INVALID_UTF8' } })
  const surrogate = await send('POST', '/offer/', userId, Buffer.from('{"user_id":1,"\\ud800":1}'))
  t.match(surrogate, { status: 400, body: { code: 'LONE_SURROGATE' } })
})

t.test('well-formed text is stored exactly, astral characters and escaped pairs included', async (t) => {
  const userId = await h.createUser()
  const body = Buffer.from(`{"user_id":${userId},"title":"Grüße 🚲 \\ud83d\\ude00","text":"東京 \\u00e9"}`)
  const res = await send('POST', '/offer/create/', userId, body)
  t.equal(res.status, 201)
  t.match(res.body, { title: 'Grüße 🚲 😀', text: '東京 é' })
  t.match(await rowsOf(userId), [{ title: 'Grüße 🚲 😀', text: '東京 é' }], 'stored as sent')
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
