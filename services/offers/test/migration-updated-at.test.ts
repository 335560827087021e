// Migration 20261130_02: offers made before it get updated_at = created_at, NOT NULL, and new ones the same instant.
import t from 'tap'
import { Migrator, sql } from 'kysely'
import { createDb, migrateToLatest } from '@app/service-kit'
import { migrations } from '../src/db/migrations/index.ts'
import { offersHarness } from './helpers.ts'

const h = await offersHarness(t)
const asOffers = createDb<unknown>({ url: h.db.offersUrl, max: 1 })
t.teardown(() => asOffers.destroy())

interface Row { id: number, created_at: Date, updated_at: Date | null }
const rows = async () =>
  (await sql<Row>`select id, created_at, updated_at from offers.offers order by id`.execute(asOffers)).rows

t.test('rows from before the column get updated_at = created_at; the column is NOT NULL', async (t) => {
  const migrator = new Migrator({
    db: asOffers, provider: { getMigrations: async () => migrations }, migrationTableSchema: 'offers'
  })
  // back to just before this migration, whatever came after it
  const down = await migrator.migrateTo('20261122_01_offers')
  t.equal(down.error, undefined)
  t.match(down.results?.at(-1), { migrationName: '20261130_02_offer_updated_at', direction: 'Down', status: 'Success' })
  const userId = await h.createUser()
  for (const at of ['2020-01-01T00:00:00.123Z', '2024-06-30T12:34:56.789Z']) {
    await sql`insert into offers.offers (user_id, title, text, created_at)
      values (${userId}, 'Old', 'Made before updated_at', ${at})`.execute(asOffers)
  }

  const applied = await migrateToLatest(asOffers, migrations, 'offers')
  t.equal(applied[0], '20261130_02_offer_updated_at', 'this migration first, then any later one')
  const old = await rows()
  t.equal(old.length, 2)
  for (const row of old) t.same(row.updated_at, row.created_at)
  const nullable = await sql<{ is_nullable: string, column_default: string }>`
    select is_nullable, column_default from information_schema.columns
    where table_schema = 'offers' and table_name = 'offers' and column_name = 'updated_at'`.execute(asOffers)
  t.match(nullable.rows, [{ is_nullable: 'NO', column_default: 'now()' }])
  await t.rejects(sql`update offers.offers set updated_at = null`.execute(asOffers), { code: '23502' })

  await sql`insert into offers.offers (user_id, title, text) values (${userId}, 'New', 'After')`.execute(asOffers)
  const fresh = (await rows()).at(-1)!
  t.same(fresh.updated_at, fresh.created_at, 'a new row: the same instant in both')
})
