// GET /offers/ over HTTPS: keyset pages newest first, stable while offers arrive, next_cursor and Link, strict
// cursors; POST /offer/ {user_id} capped at 100 with the same Link; each page an index range scan.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '@app/service-kit'
import { httpsRequest, testTls } from '@app/testing'
import type { DB } from '../src/db/types.ts'
import { offersPageQuery } from '../src/offers/offers-page.repository.ts'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const baseUrl = await listen(h.app)
const asOffers = createDb<DB>({ url: h.db.offersUrl, max: 2 })
t.teardown(() => asOffers.destroy())

interface Page { items: Array<{ id: number, user_id: number, created_at: string }>, next_cursor: string | null }

const get = (pathAndQuery: string) => httpsRequest(`${baseUrl}${pathAndQuery}`, { ca: tls.ca })
const post = (json: unknown) => httpsRequest(`${baseUrl}/offer/`, { ca: tls.ca, json })

async function page (query: string): Promise<Page & { link?: string }> {
  const res = await get(`/offers/?${query}`)
  t.equal(res.status, 200, query)
  return { ...(res.body as Page), link: res.headers.link as string | undefined }
}

/**
 * n offers in one statement, three to a timestamp and all within one millisecond: only created_at to the
 * microsecond, then id, tells them apart, which is what a cursor must carry.
 */
async function seed (userId: number, n: number): Promise<number[]> {
  await sql`insert into offers.offers (user_id, title, text, created_at)
    select ${userId}, 'Offer ' || g, 'Text ' || g,
      timestamptz '2026-01-01T00:00:00Z' + (g / 3) * interval '1 microsecond'
    from generate_series(1, ${n}) as g`.execute(asOffers)
  return expected(userId)
}

/** The ids in the order the contract promises, as PostgreSQL sorts them. */
async function expected (userId: number): Promise<number[]> {
  const rows = await asOffers.selectFrom('offers.offers').select('id').where('user_id', '=', userId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  return rows.map((r) => Number(r.id))
}

async function createOffer (userId: number, title: string) {
  const res = await httpsRequest(`${baseUrl}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${h.token(userId)}` },
    json: { user_id: userId, title, text: `about ${title}` }
  })
  t.equal(res.status, 201)
  return res.body as { id: number }
}

const LINK = /^<(\/offers\/\?[^>]+)>; rel="next"$/

const userId = await h.createUser()
const all = await seed(userId, 105)

t.test('105 offers: a first page of 20 (the default) or 100, with next_cursor and Link', async (t) => {
  const first = await page(`user_id=${userId}`)
  t.same(first.items.map((o) => o.id), all.slice(0, 20))
  t.type(first.next_cursor, 'string')
  t.match(first.next_cursor, /^[A-Za-z0-9_-]{1,200}$/, 'base64url')
  const link = LINK.exec(first.link ?? '')
  t.ok(link, `Link: ${first.link}`)
  const target = new URL(link![1]!, baseUrl)
  t.same(Object.fromEntries(target.searchParams), { user_id: String(userId), limit: '20', cursor: first.next_cursor })
  const hundred = await page(`user_id=${userId}&limit=100`)
  t.same(hundred.items.map((o) => o.id), all.slice(0, 100))
  t.match(hundred.link, LINK)
  const rest = await get(LINK.exec(hundred.link!)![1]!)
  t.same((rest.body as Page).items.map((o) => o.id), all.slice(100), 'the Link leads to the remaining 5')
  t.equal((rest.body as Page).next_cursor, null, 'the last page says so')
  t.equal(rest.headers.link, undefined, 'and has no Link')
  t.same(Object.keys(first.items[0]!).sort(), ['created_at', 'id', 'text', 'title', 'updated_at', 'user_id'])
})

t.test('walking every page while offers arrive gives each original offer once, in order', async (t) => {
  for (const limit of [1, 7, 20, 100]) {
    const before = await expected(userId)
    const walked: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const got: Page = await page(`user_id=${userId}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      walked.push(...got.items.map((o) => o.id))
      cursor = got.next_cursor
      // new offers land at the head of the list, before every position a cursor names
      if (pages++ % 3 === 0) await createOffer(userId, `new during limit ${limit}`)
    } while (cursor !== null)
    t.same(walked, before, `limit ${limit}: ${pages} pages, no duplicates, nothing missed`)
    t.equal(new Set(walked).size, walked.length)
    const now = await expected(userId)
    t.ok(now.length > before.length, 'offers arrived meanwhile')
    t.same(now.slice(now.length - before.length), before, 'the new offers are the newest')
  }
})

t.test('an empty list and a user that does not exist: no items, next_cursor null, no Link', async (t) => {
  for (const id of [await h.createUser(), 2 ** 40]) {
    const empty = await page(`user_id=${id}`)
    t.same(empty.items, [])
    t.equal(empty.next_cursor, null)
    t.equal(empty.link, undefined)
  }
  const few = await h.createUser()
  const ids = await seed(few, 20)
  const exact = await page(`user_id=${few}&limit=20`)
  t.same(exact.items.map((o) => o.id), ids)
  t.equal(exact.next_cursor, null, 'exactly limit offers: no next page')
})

/** What a curious client finds inside a cursor. */
const decoded = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number, string, number]

/** A cursor of our own shape with one part changed: what someone who decoded ours might send. */
const forge = (tuple: unknown) => Buffer.from(JSON.stringify(tuple)).toString('base64url')

t.test('a bad, forged or foreign cursor is 400 INVALID_CURSOR, never 500', async (t) => {
  const { next_cursor: good } = await page(`user_id=${userId}&limit=5`)
  const [, , createdAt, id] = decoded(good!)
  const other = await h.createUser()
  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['garbage', 'not a cursor!'],
    ['not base64url', '%%%%'],
    ['non-canonical base64 (padding)', `${good}=`],
    ['truncated', good!.slice(0, -3)],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['base64 of an object', forge({ v: 1, id })],
    ['too long', 'A'.repeat(400)],
    ['another version', forge([2, userId, createdAt, id])],
    ['another user\'s', forge([1, other, createdAt, id])],
    ['no such month', forge([1, userId, '2026-13-01T00:00:00.000000Z', id])],
    ['no such day', forge([1, userId, '2026-02-30T00:00:00.000000Z', id])],
    ['milliseconds only', forge([1, userId, createdAt.slice(0, 23) + 'Z', id])],
    ['a number for a time', forge([1, userId, 1_700_000_000, id])],
    ['id zero', forge([1, userId, createdAt, 0])],
    ['id past 2^53', forge([1, userId, createdAt, 2 ** 53])],
    ['id as a string', forge([1, userId, createdAt, String(id)])],
    ['an extra element', forge([1, userId, createdAt, id, 1])],
    ['SQL in the time', forge([1, userId, `${createdAt}'; drop table offers.offers; --`, id])]
  ]
  for (const [name, cursor] of bad) {
    const res = await get(`/offers/?user_id=${userId}&cursor=${encodeURIComponent(cursor)}`)
    t.equal(res.status, 400, name)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', name)
    t.match(res.body, { status: 400, code: 'INVALID_CURSOR' }, name)
  }
  const mine = await get(`/offers/?user_id=${other}&cursor=${good}`)
  t.match(mine.body, { code: 'INVALID_CURSOR' }, 'a cursor is bound to its user_id')
  const wellFormed = forge([1, userId, '1999-01-01T00:00:00.000000Z', 1])
  t.same((await page(`user_id=${userId}&cursor=${wellFormed}`)).items, [], 'a well-formed position is just a position')
})

t.test('400 VALIDATION_FAILED: limit outside 1–100, a bad user_id, unknown parameters', async (t) => {
  for (const query of [
    'user_id=1&limit=0', 'user_id=1&limit=101', 'user_id=1&limit=-1', 'user_id=1&limit=1.5', 'user_id=1&limit=x',
    '', 'user_id=0', 'user_id=-1', 'user_id=abc', 'user_id=1.5', `user_id=${2 ** 53}`, 'user_id=1&sort=title',
    // numbers in other spellings than decimal digits, which coercion alone would take
    'user_id=1e0', 'user_id=0x1', 'user_id=%2B1', 'user_id=1.0', 'user_id=%201', 'user_id=1&limit=2e1'
  ]) {
    const res = await get(`/offers/?${query}`)
    t.equal(res.status, 400, query)
    t.match(res.body, { status: 400, code: 'VALIDATION_FAILED' }, query)
  }
  t.equal((await get(`/offers?user_id=${userId}`)).status, 200, 'trailing slash optional')
})

t.test('POST /offer/ {user_id}: the first 100 as a list, and the same Link when there are more', async (t) => {
  const res = await post({ user_id: userId })
  t.equal(res.status, 200)
  const list = res.body as Page['items']
  const current = await expected(userId)
  t.same(list.map((o) => o.id), current.slice(0, 100))
  const link = LINK.exec(String(res.headers.link))
  t.ok(link, `Link: ${res.headers.link}`)
  const next = new URL(link![1]!, baseUrl).searchParams
  t.equal(next.get('user_id'), String(userId))
  t.equal(next.get('limit'), '100')
  const rest = (await get(link![1]!)).body as Page
  t.same(rest.items.map((o) => o.id), current.slice(100))
  t.equal(rest.next_cursor, null)
})

t.test('POST /offer/ {user_id} with fewer than 100: the same list as before, no Link', async (t) => {
  const few = await h.createUser()
  const made = [await createOffer(few, 'Bike'), await createOffer(few, 'Lamp')]
  const res = await post({ user_id: few })
  t.same(res.body, made.reverse())
  t.equal(res.headers.link, undefined)
  const hundred = await h.createUser()
  await seed(hundred, 100)
  const exact = await post({ user_id: hundred })
  t.equal((exact.body as unknown[]).length, 100)
  t.equal(exact.headers.link, undefined, 'exactly 100: nothing more')
  t.same(await post({ user_id: 2 ** 40 }).then((r) => r.body), [])
})

t.test('each page is one range scan of the index: no sort, no filter, first page or deep', async (t) => {
  const { next_cursor: cursor } = await page(`user_id=${userId}&limit=60`)
  const [, , createdAt, id] = decoded(cursor!)
  for (const after of [undefined, { createdAt, id }]) {
    const plan = await asOffers.transaction().execute(async (trx) => {
      // with a few rows other plans are cheaper; what matters is that the index can answer in order
      await sql`set local enable_seqscan = off`.execute(trx)
      await sql`set local enable_bitmapscan = off`.execute(trx)
      return offersPageQuery(trx, userId, 21, after).explain('json')
    })
    const text = JSON.stringify(plan)
    t.match(text, /"Node Type":"Index Scan".*"Index Name":"offers_user_id_created_at_id_idx"/)
    t.notMatch(text, /"Node Type":"(Incremental )?Sort"/)
    t.notMatch(text, /"Filter"/, 'every condition is an index condition')
    if (after) t.match(text, /"Index Cond":"\(\(user_id = .*\) AND \(ROW\(created_at, id\) < ROW\(/)
  }
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
