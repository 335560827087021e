// The storage rules of the contract, checked against a real PostgreSQL: roles, grants, idempotence, cascades.
import t from 'tap'
import { sql } from 'kysely'
import { adminDb, prepareDatabase } from '@app/migrator'
import { createTestDatabase, readState } from '../src/index.ts'

const db = await createTestDatabase(t)
const asUsers = adminDb(db.usersUrl)
const asOffers = adminDb(db.offersUrl)
const asAdmin = adminDb(db.adminUrl)
t.teardown(async () => { await Promise.all([asUsers.destroy(), asOffers.destroy(), asAdmin.destroy()]) })

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (err: { code?: string }) => err.code)

t.test('bootstrap and migrations run again without change', async (t) => {
  const state = readState()
  const recorded = async () => {
    const users = await sql<{ n: number }>`select count(*)::int as n from users.kysely_migration`.execute(asAdmin)
    const offers = await sql<{ n: number }>`select count(*)::int as n from offers.kysely_migration`.execute(asAdmin)
    return { users: users.rows[0]?.n, offers: offers.rows[0]?.n }
  }
  const before = await recorded()
  t.ok(before.users! >= 1 && before.offers! >= 1, 'each schema records its migrations in its own table')
  await prepareDatabase(state.adminUrl, db.name, state.passwords)
  await prepareDatabase(state.adminUrl, db.name, state.passwords)
  t.same(await recorded(), before, 'nothing applied twice')
})

t.test('each role owns its own schema and nothing else', async (t) => {
  const { rows } = await sql<{ nspname: string, owner: string }>`
    select nspname, pg_get_userbyid(nspowner) as owner from pg_namespace
    where nspname in ('users', 'offers') order by nspname`.execute(asAdmin)
  t.same(rows, [{ nspname: 'offers', owner: 'offers_svc' }, { nspname: 'users', owner: 'users_svc' }])
})

t.test('offers_svc cannot read users.users', async (t) => {
  t.equal(await code(sql`select password_hash from users.users`.execute(asOffers)), '42501', 'password_hash refused')
  t.equal(await code(sql`select id from users.users`.execute(asOffers)), '42501', 'even ids are not readable')
  t.equal(await code(sql`select id from users.refresh_tokens`.execute(asOffers)), '42501')
})

t.test('users_svc cannot touch schema offers', async (t) => {
  t.equal(await code(sql`select id from offers.offers`.execute(asUsers)), '42501')
  t.equal(await code(sql`create table offers.intruder (id int)`.execute(asUsers)), '42501')
  t.equal(await code(sql`delete from offers.offers`.execute(asUsers)), '42501')
})

t.test('deleting a user cascades to their offers and refresh tokens', async (t) => {
  const { rows: [user] } = await sql<{ id: number }>`
    insert into users.users (username, email, password_hash)
    values ('cascade', 'cascade@example.com', 'x') returning id`.execute(asUsers)
  await sql`insert into users.refresh_tokens (user_id, family_id, token_hash, expires_at)
    values (${user!.id}, gen_random_uuid(), '\\x01', now() + interval '1 day')`.execute(asUsers)
  await sql`insert into offers.offers (user_id, title, text) values (${user!.id}, 'a', 'b')`.execute(asOffers)
  await sql`delete from users.users where id = ${user!.id}`.execute(asUsers)
  const offers = await sql<{ n: number }>`select count(*)::int as n from offers.offers
    where user_id = ${user!.id}`.execute(asOffers)
  const tokens = await sql<{ n: number }>`select count(*)::int as n from users.refresh_tokens
    where user_id = ${user!.id}`.execute(asUsers)
  t.equal(offers.rows[0]?.n, 0)
  t.equal(tokens.rows[0]?.n, 0)
})

t.test('an offer for a missing user is refused by the foreign key', async (t) => {
  t.equal(await code(
    sql`insert into offers.offers (user_id, title, text) values (999999999, 'a', 'b')`.execute(asOffers)
  ), '23503')
})
