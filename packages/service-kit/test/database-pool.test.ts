// The pool under pressure: no free connection in time is a 503 with Retry-After, never a 500, said once in the
// log; and a warm minimum of connections is open before the first request.
import { sql } from 'kysely'
import t from 'tap'
import { createTestDatabase } from '@app/testing'
import { createDb } from '../src/index.ts'
import { poolApp as app, type Line } from './pool-app.ts'

t.test('pool wait timeout: no free connection within connectionTimeoutMillis is a 503 DATABASE_UNAVAILABLE with ' +
  'Retry-After, said once in the log; 200 once one is free', async (t) => {
  const db = await createTestDatabase(t)
  const lines: Line[] = []
  const a = await app(t, { url: db.offersUrl, max: 1, connectionTimeoutMillis: 200 }, lines)
  let free = () => {}
  let held = () => {}
  const holding = new Promise<void>((resolve) => { held = resolve })
  const holder = a.db.connection().execute(async () => {
    held()
    await new Promise<void>((resolve) => { free = resolve })
  })
  await holding
  for (let i = 0; i < 3; i++) {
    const res = await a.inject({ method: 'GET', url: '/query' })
    t.equal(res.statusCode, 503, `request ${i + 1} while the one connection is held`)
    t.equal(res.headers['retry-after'], '2')
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { status: 503, code: 'DATABASE_UNAVAILABLE' })
  }
  free()
  await holder
  const res = await a.inject({ method: 'GET', url: '/query' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { one: 1 })
  t.match(lines, [
    {
      level: 'warn',
      msg: 'database unavailable',
      details: { err: { message: 'timeout exceeded when trying to connect' } }
    },
    { level: 'info', msg: 'database answers again' }
  ], 'one line when it starts, one when it ends, not one per request')
  t.equal(lines.length, 2)
})

t.test('a warm minimum: min connections are open before the first request', async (t) => {
  const db = await createTestDatabase(t)
  const admin = createDb<unknown>({ url: db.adminUrl, max: 1 })
  t.teardown(() => admin.destroy())
  const open = async () => (await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where datname = ${db.name} and usename = 'offers_svc'`
    .execute(admin)).rows[0]!.n
  await app(t, { url: db.offersUrl, max: 5, min: 3 })
  for (const deadline = Date.now() + 10_000; await open() < 3 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(await open(), 3, 'three connections opened without a request')
})
