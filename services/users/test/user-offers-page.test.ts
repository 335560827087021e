// GET /user/{id}/ embeds the newest offers up to USER_OFFERS_EMBED_LIMIT and offers_next_cursor, which continues
// with a real Offers process's GET /offers/ over HTTPS; an Offers answer past OFFERS_MAX_BODY_BYTES is a 503.
import t from 'tap'
import { sql } from 'kysely'
import { httpsRequest, startServiceProcess, testTls, writeKeyFiles } from '@app/testing'
import { buildTestApp, setup, superuserDb } from './helpers/app.ts'
import { session } from './helpers/users.ts'

const ctx = await setup(t)
const admin = superuserDb(t, ctx.db)
const files = await writeKeyFiles(ctx.keys)
const offers = await startServiceProcess(t, 'offers', {
  DATABASE_URL: ctx.db.offersUrl,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile
})
const { app } = await buildTestApp(t, { db: ctx.db, keys: ctx.keys, env: { OFFERS_URL: offers.url } })

interface Offer { id: number }

/** n offers for the user in one statement, one second apart; their ids newest first. */
async function seed (userId: number, n: number): Promise<number[]> {
  await sql`insert into offers.offers (user_id, title, text, created_at)
    select ${userId}, 'Offer ' || g, 'An offer of some length, to weigh something. ' || g,
      timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second'
    from generate_series(1, ${n}) as g`.execute(admin)
  const rows = await admin.selectFrom('offers.offers').select('id').where('user_id', '=', userId)
    .orderBy('id', 'desc').execute()
  return rows.map((r) => Number(r.id))
}

async function userPage (target: typeof app, me: Awaited<ReturnType<typeof session>>) {
  const res = await target.inject({ method: 'GET', url: `/user/${me.user.id}/`, headers: me.auth })
  return { status: res.statusCode, body: res.json() }
}

/** Offers' own next page, as a client of the contract continues. */
async function continueWith (userId: number, cursor: string, limit: number) {
  const res = await httpsRequest(`${offers.url}/offers/?user_id=${userId}&limit=${limit}&cursor=${cursor}`, {
    ca: testTls('offers').ca
  })
  t.equal(res.status, 200)
  return res.body as { items: Offer[], next_cursor: string | null }
}

t.test('105 offers: the newest 100 (the default), and offers_next_cursor continues at Offers', async (t) => {
  const me = await session(app)
  const ids = await seed(me.user.id, 105)
  const { status, body } = await userPage(app, me)
  t.equal(status, 200)
  t.same(body.offers.map((o: Offer) => o.id), ids.slice(0, 100))
  t.type(body.offers_next_cursor, 'string')
  const rest = await continueWith(me.user.id, body.offers_next_cursor, 20)
  t.same(rest.items.map((o) => o.id), ids.slice(100))
  t.equal(rest.next_cursor, null)
})

t.test('USER_OFFERS_EMBED_LIMIT sets how many; walking on from the cursor gives every offer once', async (t) => {
  const small = await buildTestApp(t, {
    db: ctx.db, keys: ctx.keys, env: { OFFERS_URL: offers.url, USER_OFFERS_EMBED_LIMIT: '7' }
  })
  const me = await session(small.app)
  const ids = await seed(me.user.id, 30)
  const { body } = await userPage(small.app, me)
  t.equal(body.offers.length, 7)
  const walked: number[] = body.offers.map((o: Offer) => o.id)
  let cursor: string | null = body.offers_next_cursor
  while (cursor !== null) {
    const next = await continueWith(me.user.id, cursor, 7)
    walked.push(...next.items.map((o) => o.id))
    cursor = next.next_cursor
  }
  t.same(walked, ids)
  const few = await session(small.app)
  await seed(few.user.id, 7)
  const exact = await userPage(small.app, few)
  t.equal(exact.body.offers.length, 7)
  t.equal(exact.body.offers_next_cursor, null, 'exactly the limit: nothing more')
})

t.test('an Offers answer longer than OFFERS_MAX_BODY_BYTES is 503 OFFERS_UNAVAILABLE, never a cut list', async (t) => {
  const capped = await buildTestApp(t, {
    db: ctx.db, keys: ctx.keys, env: { OFFERS_URL: offers.url, OFFERS_MAX_BODY_BYTES: '2048' }
  })
  const me = await session(capped.app)
  await seed(me.user.id, 100)
  const res = await capped.app.inject({ method: 'GET', url: `/user/${me.user.id}/`, headers: me.auth })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 503, code: 'OFFERS_UNAVAILABLE' })
  t.ok(res.headers['retry-after'], 'a 503 says when to retry')
  const fine = await session(capped.app)
  await seed(fine.user.id, 2)
  t.equal((await userPage(capped.app, fine)).body.offers.length, 2, 'an answer within the cap is read')
})
