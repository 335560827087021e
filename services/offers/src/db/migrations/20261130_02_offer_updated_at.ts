// Frozen: offers gain updated_at, moved by PATCH; existing rows start with updated_at = created_at.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  const offers = db.schema.withSchema('offers').alterTable('offers')
  // nullable first, filled from created_at, then NOT NULL: no row ever holds a made-up time
  await offers.addColumn('updated_at', 'timestamptz').execute()
  await db.withSchema('offers').updateTable('offers').set({ updated_at: sql`created_at` }).execute()
  await offers.alterColumn('updated_at', (c) => c.setNotNull()).execute()
  // in one insert now() is the same instant for both columns, so a new offer has updated_at = created_at
  await offers.alterColumn('updated_at', (c) => c.setDefault(sql`now()`)).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('offers').alterTable('offers').dropColumn('updated_at').execute()
}
