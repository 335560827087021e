// Frozen: a session is a refresh-token family; each token row carries when its session began and the client that
// made the row (login or refresh), so the family's live row answers created_at, last_used_at, ip and user_agent.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('users')
  // now() is stable, so the column is added without rewriting the table; the backfill then names each family's start
  await s.alterTable('refresh_tokens')
    .addColumn('session_created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await s.alterTable('refresh_tokens').addColumn('ip', 'text').execute()
  await s.alterTable('refresh_tokens').addColumn('user_agent', 'text').execute()
  await sql`update users.refresh_tokens r set session_created_at = f.first_at
    from (select family_id, min(created_at) as first_at from users.refresh_tokens group by family_id) f
    where f.family_id = r.family_id`.execute(db)
  // the live token of each session: what the sessions list reads, however many used tokens a family has behind it
  await s.createIndex('refresh_tokens_live_by_user_idx').on('refresh_tokens').column('user_id')
    .where(sql.ref('used_at'), 'is', null).where(sql.ref('revoked_at'), 'is', null)
    .execute()
  // a family with any revoked token is ended (sessions.repository.ts): that check reads this small index only
  await s.createIndex('refresh_tokens_revoked_family_idx').on('refresh_tokens').column('family_id')
    .where(sql.ref('revoked_at'), 'is not', null)
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('users')
  await s.dropIndex('refresh_tokens_revoked_family_idx').execute()
  await s.dropIndex('refresh_tokens_live_by_user_idx').execute()
  await s.alterTable('refresh_tokens').dropColumn('user_agent').dropColumn('ip').dropColumn('session_created_at')
    .execute()
}
