// Frozen: users and refresh tokens. Uniqueness is case-insensitive through indexes on lower(...).
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('users')
  await s.createTable('users')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('username', 'text', (c) => c.notNull().check(sql`char_length(username) between 3 and 32`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email)`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await s.createIndex('users_username_lower_key').on('users').unique().expression(sql`lower(username)`).execute()
  await s.createIndex('users_email_key').on('users').unique().column('email').execute()

  await s.createTable('refresh_tokens')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.users.id').onDelete('cascade'))
    .addColumn('family_id', 'uuid', (c) => c.notNull())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await s.createIndex('refresh_tokens_user_id_idx').on('refresh_tokens').column('user_id').execute()
  await s.createIndex('refresh_tokens_family_id_idx').on('refresh_tokens').column('family_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('users').dropTable('refresh_tokens').execute()
  await db.schema.withSchema('users').dropTable('users').execute()
}
