// SQL on users.users: explicit columns; the password hash is read only by the queries that need it.
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely'
import type { DB, UsersTable } from '../db/types.ts'

export type AccountRow = Pick<Selectable<UsersTable>, 'id' | 'username' | 'email' | 'created_at' | 'updated_at'>
export type SummaryRow = Pick<Selectable<UsersTable>, 'id' | 'username' | 'created_at'>
export type NewAccount = Pick<Insertable<UsersTable>, 'username' | 'email' | 'password_hash'>
export type AccountChanges = Pick<Updateable<UsersTable>, 'username' | 'email' | 'password_hash'>

export interface UsersRepository {
  insert: (values: NewAccount) => Promise<AccountRow>
  findById: (id: number) => Promise<AccountRow | undefined>
  /** Case-insensitive, through the unique index on lower(username). */
  findCredentials: (username: string) => Promise<{ id: number, password_hash: string } | undefined>
  /** The username and hash of an account, by id: what checking its current password needs. */
  findLogin: (id: number) => Promise<{ username: string, password_hash: string } | undefined>
  /**
   * Applies changes and moves updated_at. With `expectedHash`, only while the password is still the one
   * the caller proved to know (a concurrent password change makes this a no-op: undefined).
   */
  update: (id: number, changes: AccountChanges, expectedHash?: string) => Promise<AccountRow | undefined>
  /** Offers and refresh tokens go with the row through ON DELETE CASCADE. */
  remove: (id: number) => Promise<boolean>
  /** A page by id, `offset` rows in; `total` is the exact count, which lets deep pages read from the end. */
  page: (page: { limit: number, offset: number, total: number }) => Promise<SummaryRow[]>
  count: () => Promise<number>
}

const accountColumns = ['id', 'username', 'email', 'created_at', 'updated_at'] as const

export function usersRepository (db: Kysely<DB>): UsersRepository {
  return {
    insert: (values) => db.insertInto('users.users').values(values).returning(accountColumns).executeTakeFirstOrThrow(),

    findById: (id) => db.selectFrom('users.users').select(accountColumns).where('id', '=', id).executeTakeFirst(),

    findCredentials: (username) => db.selectFrom('users.users')
      .select(['id', 'password_hash'])
      .where((eb) => eb(eb.fn('lower', ['username']), '=', eb.fn('lower', [eb.val(username)])))
      .executeTakeFirst(),

    findLogin: (id) => db.selectFrom('users.users')
      .select(['username', 'password_hash'])
      .where('id', '=', id)
      .executeTakeFirst(),

    update (id, changes, expectedHash) {
      let query = db.updateTable('users.users').set({ ...changes, updated_at: sql<Date>`now()` }).where('id', '=', id)
      if (expectedHash !== undefined) query = query.where('password_hash', '=', expectedHash)
      return query.returning(accountColumns).executeTakeFirst()
    },

    async remove (id) {
      const result = await db.deleteFrom('users.users').where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    // Pages past the middle are read backwards from the end (offset counted from the other side, using the
    // exact total), so that no page skips more than half of the table.
    async page ({ limit, offset, total }) {
      const query = db.selectFrom('users.users').select(['id', 'username', 'created_at'])
      if (offset >= total) return []
      if (offset <= total / 2) return query.orderBy('id').limit(limit).offset(offset).execute()
      const size = Math.min(limit, total - offset)
      const rows = await query.orderBy('id', 'desc').limit(size).offset(total - offset - size).execute()
      return rows.reverse()
    },

    // Exact, without scanning users.users: the trigger-kept shards of migration 20261123_01.
    async count () {
      const row = await db.selectFrom('users.user_count_shards')
        .select((eb) => eb.cast<number>(eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)), 'bigint').as('total'))
        .executeTakeFirstOrThrow()
      return row.total
    }
  }
}
