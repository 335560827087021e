// Set-based seeding through Kysely: users sharing one bcrypt hash, then 10 offers for each user of an id range.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { DB as OffersDB } from '@app/offers/db-types'
import type { DB as UsersDB } from '@app/users/db-types'

export type SeedDb = Kysely<UsersDB & OffersDB>

/** Every seeded user logs in with this password. */
export const PASSWORD = 'bench-password-42'
export const OFFERS_PER_USER = 10
/** Large loads are split in this many statements on as many connections: one per core here. */
const PARALLEL = 2

/** The n-th seeded user's name; n runs from 1 in the order of insertion. */
export const username = (n: number) => `bench_${n}`

/** One connection per statement that runs at once: PARALLEL. */
export function seedDb (adminUrl: string): SeedDb {
  const pool = new pg.Pool({ connectionString: adminUrl, max: PARALLEL })
  pool.on('error', () => {})
  return new Kysely({ dialect: new PostgresDialect({ pool }) })
}

/** Empties both schemas and restarts their identities, so that user n has id n. */
export async function truncateAll (db: SeedDb): Promise<void> {
  await sql`truncate ${sql.table('users.users')}, ${sql.table('offers.offers')}, ${sql.table('users.refresh_tokens')}
    restart identity`.execute(db)
}

/** Users `bench_{from}` … `bench_{to}` in one statement; the newest has the highest id. */
export async function insertUsers (db: SeedDb, from: number, to: number, passwordHash: string): Promise<void> {
  await db.insertInto('users.users')
    .columns(['username', 'email', 'password_hash', 'created_at', 'updated_at'])
    .expression((eb) => eb.selectFrom(sql<{ n: number }>`generate_series(${from}::int, ${to}::int)`.as('n'))
      .select((s) => [
        s.fn<string>('concat', [sql.lit('bench_'), s.ref('n')]).as('username'),
        s.fn<string>('concat', [sql.lit('bench_'), s.ref('n'), sql.lit('@example.test')]).as('email'),
        s.cast<string>(s.val(passwordHash), 'text').as('password_hash'),
        sql<Date>`now() - make_interval(secs => ${to}::int - n)`.as('created_at'),
        sql<Date>`now() - make_interval(secs => ${to}::int - n)`.as('updated_at')
      ]))
    .execute()
}

/** OFFERS_PER_USER offers for every user whose id is in [fromId, toId], in one statement. */
export async function insertOffers (db: SeedDb, fromId: number, toId: number): Promise<void> {
  await db.insertInto('offers.offers')
    .columns(['user_id', 'title', 'text', 'created_at'])
    .expression((eb) => eb.selectFrom('users.users as u')
      .innerJoin(sql<{ k: number }>`generate_series(1, ${OFFERS_PER_USER}::int)`.as('k'), (join) => join.onTrue())
      .where('u.id', '>=', fromId)
      .where('u.id', '<=', toId)
      .select((s) => [
        'u.id as user_id',
        s.fn<string>('concat', [sql.lit('Offer '), s.ref('k'), sql.lit(' of '), s.ref('u.username')]).as('title'),
        s.fn<string>('concat', [
          sql.lit('A bicycle in good condition, lightly used, collect in person. Item '),
          s.ref('k')
        ]).as('text'),
        sql<Date>`u.created_at + make_interval(mins => k)`.as('created_at')
      ]))
    .execute()
}

function split ([from, to]: [number, number], parts: number): Array<[number, number]> {
  const size = Math.ceil((to - from + 1) / parts)
  return Array.from(
    { length: parts },
    (_, k): [number, number] => [from + k * size, Math.min(to, from + (k + 1) * size - 1)]
  ).filter(([a, b]) => a <= b)
}

/**
 * Users `bench_{from}` … `bench_{to}`, then OFFERS_PER_USER offers for each user id in offersFor, then fresh
 * statistics. After truncateAll, user n has id n.
 */
export async function grow (
  db: SeedDb, users: [number, number], offersFor: [number, number], passwordHash: string
): Promise<void> {
  await Promise.all(split(users, PARALLEL).map(([from, to]) => insertUsers(db, from, to, passwordHash)))
  await Promise.all(split(offersFor, PARALLEL).map(([from, to]) => insertOffers(db, from, to)))
  await analyze(db)
}

/** Fresh planner statistics and visibility map after a bulk load, as autovacuum would give in time. */
export async function analyze (db: SeedDb): Promise<void> {
  for (const table of ['users.users', 'offers.offers']) await sql`vacuum analyze ${sql.table(table)}`.execute(db)
}

export interface Seeded {
  users: { minId: number, maxId: number, count: number }
  offers: { minId: number, maxId: number, count: number }
}

/** What is in the tables now: the id ranges the scenarios draw from. */
export async function seeded (db: SeedDb): Promise<Seeded> {
  const range = async (table: 'users.users' | 'offers.offers') => {
    const row = await db.selectFrom(table)
      .select((eb) => [
        eb.fn.min<string>('id').as('min'),
        eb.fn.max<string>('id').as('max'),
        eb.fn.countAll<string>().as('count')
      ])
      .executeTakeFirstOrThrow()
    return { minId: Number(row.min), maxId: Number(row.max), count: Number(row.count) }
  }
  return { users: await range('users.users'), offers: await range('offers.offers') }
}
