// GET /users/: pages ordered by id, the exact total kept by triggers, and the limits on page_num and page_size.
import t from 'tap'
import { sql } from 'kysely'
import { superuserDb, setup } from './helpers/app.ts'
import { register, session } from './helpers/users.ts'

const { app, db } = await setup(t)
const admin = superuserDb(t, db)
const me = await session(app)
const page = (query: string) => app.inject({ method: 'GET', url: `/users/${query}`, headers: me.auth })
const counted = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from users.users`.execute(admin)).rows[0]!.n)

t.test('items {id, username, created_at} ordered by id, and total', async (t) => {
  for (let i = 0; i < 5; i++) await register(app)
  const res = await page('?page_num=1&page_size=3')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { page_num: 1, page_size: 3, total: await counted() })
  t.equal(body.items.length, 3)
  t.same(Object.keys(body.items[0]).sort(), ['created_at', 'id', 'username'])
  const all = (await page('?page_size=100')).json().items.map((u: { id: number }) => u.id)
  t.same(all, [...all].sort((a: number, b: number) => a - b), 'ordered by id')
  const second = (await page('?page_num=2&page_size=3')).json()
  t.same(second.items.map((u: { id: number }) => u.id), all.slice(3, 6))
})

t.test('walking every page, including those read backwards from the end, ' +
  'gives each user once, in id order', async (t) => {
  for (let i = 0; i < 6; i++) await register(app)
  const ids = (await sql<{ id: number }>`select id from users.users order by id`.execute(admin)).rows
    .map((r) => Number(r.id))
  for (const size of [1, 3, 4, 7]) {
    const walked: number[] = []
    for (let n = 1; n <= Math.ceil(ids.length / size) + 1; n++) {
      walked.push(...(await page(`?page_num=${n}&page_size=${size}`)).json().items.map((u: { id: number }) => u.id))
    }
    t.same(walked, ids, `page_size ${size}`)
  }
})

t.test('defaults: page 1 of 20; past the end: no items, the same total', async (t) => {
  const body = (await page('')).json()
  t.match(body, { page_num: 1, page_size: 20 })
  const past = (await page('?page_num=1000&page_size=100')).json()
  t.same(past.items, [])
  t.equal(past.total, body.total)
})

t.test('total stays exact through inserts, bulk inserts and deletes', async (t) => {
  const before = (await page('')).json().total
  const added = await session(app)
  t.equal((await page('')).json().total, before + 1)
  await sql`insert into users.users (username, email, password_hash)
    select 'bulk' || g, 'bulk' || g || '@example.com', 'x' from generate_series(1, 500) as g`.execute(admin)
  t.equal((await page('')).json().total, before + 501, 'one statement of 500 rows')
  await sql`delete from users.users where username like 'bulk%'`.execute(admin)
  t.equal((await page('')).json().total, before + 1)
  t.equal((await app.inject({ method: 'DELETE', url: `/user/${added.user.id}/`, headers: added.auth })).statusCode, 204)
  t.equal((await page('')).json().total, before)
  t.equal(before, await counted())
})

t.test('400: page_num below 1, page_size outside 1–100, non-numbers, unknown parameters', async (t) => {
  for (const query of [
    '?page_num=0', '?page_num=-1', '?page_size=0', '?page_size=101', '?page_num=abc', '?page_size=1.5', '?sort=name'
  ]) {
    const res = await page(query)
    t.equal(res.statusCode, 400, query)
    t.match(res.json(), { code: 'VALIDATION_FAILED' })
  }
})

t.test('401 without a token', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/users/' })).statusCode, 401)
})

t.test('a truncate resets the count', async (t) => {
  await sql`truncate users.users cascade`.execute(admin)
  const fresh = await session(app)
  const res = await app.inject({ method: 'GET', url: '/users/', headers: fresh.auth })
  t.equal(res.json().total, 1)
})
