// Frozen: the audit trail. No foreign key on user_id: events outlive the account they name, until retention.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('users')
  await s.createTable('audit_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('user_id', 'bigint')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  // a user's page, newest first, is one range scan
  await s.createIndex('audit_events_user_id_id_idx').on('audit_events').columns(['user_id', 'id desc']).execute()
  // the retention sweep finds the oldest rows without reading the rest
  await s.createIndex('audit_events_at_idx').on('audit_events').column('at').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('users').dropTable('audit_events').execute()
}
