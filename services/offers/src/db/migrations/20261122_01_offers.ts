// Frozen: offers, owned by users across schemas; one index serves "a user's offers, newest first".
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('offers')
  await s.createTable('offers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) between 1 and 200`))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`char_length(text) between 1 and 10000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await s.createIndex('offers_user_id_created_at_id_idx').on('offers')
    .expression(sql`user_id, created_at desc, id desc`).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('offers').dropTable('offers').execute()
}
