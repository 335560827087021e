// SQL on users.users: explicit columns; the password hash is read only by the queries that need it.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'

type Db = Kysely<DB>

const accountColumns = ['id', 'username', 'email', 'created_at', 'updated_at'] as const

export interface AccountRow { id: number, username: string, email: string, created_at: Date, updated_at: Date }
export interface SummaryRow { id: number, username: string, created_at: Date }
export interface NewAccount { username: string, email: string, password_hash: string }
export type AccountChanges = Partial<NewAccount>

export async function insertUser (db: Db, values: NewAccount): Promise<AccountRow> {
  return db.insertInto('users.users').values(values).returning(accountColumns).executeTakeFirstOrThrow()
}

export async function findUserById (db: Db, id: number): Promise<AccountRow | undefined> {
  return db.selectFrom('users.users').select(accountColumns).where('id', '=', id).executeTakeFirst()
}

/** Case-insensitive, through the unique index on lower(username). */
export async function findCredentialsByUsername (db: Db, username: string): Promise<{ id: number, password_hash: string } | undefined> {
  return db.selectFrom('users.users')
    .select(['id', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', eb.fn('lower', [eb.val(username)])))
    .executeTakeFirst()
}

export async function findPasswordHash (db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('users.users').select('password_hash').where('id', '=', id).executeTakeFirst()
  return row?.password_hash
}

/**
 * Applies changes and moves updated_at. With `expectedHash`, only while the password is still the one
 * the caller proved to know (a concurrent password change makes this a no-op: undefined).
 */
export async function updateUser (db: Db, id: number, changes: AccountChanges, expectedHash?: string): Promise<AccountRow | undefined> {
  let query = db.updateTable('users.users').set({ ...changes, updated_at: sql<Date>`now()` }).where('id', '=', id)
  if (expectedHash !== undefined) query = query.where('password_hash', '=', expectedHash)
  return query.returning(accountColumns).executeTakeFirst()
}

/** Offers and refresh tokens go with the row through ON DELETE CASCADE. */
export async function deleteUser (db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('users.users').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/**
 * A page of users by id. Pages past the middle are read backwards from the end (offset counted from the
 * other side, using the exact `total`), so that no page skips more than half of the table.
 */
export async function listUsers (db: Db, page: { limit: number, offset: number, total: number }): Promise<SummaryRow[]> {
  const { limit, offset, total } = page
  const query = db.selectFrom('users.users').select(['id', 'username', 'created_at'])
  if (offset >= total) return []
  if (offset <= total / 2) return query.orderBy('id').limit(limit).offset(offset).execute()
  const size = Math.min(limit, total - offset)
  const rows = await query.orderBy('id', 'desc').limit(size).offset(total - offset - size).execute()
  return rows.reverse()
}

/** Exact, without scanning users.users: the trigger-kept shards of migration 20261123_01. */
export async function countUsers (db: Db): Promise<number> {
  const row = await db.selectFrom('users.user_count_shards')
    .select((eb) => eb.cast<number>(eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)), 'bigint').as('total'))
    .executeTakeFirstOrThrow()
  return row.total
}
