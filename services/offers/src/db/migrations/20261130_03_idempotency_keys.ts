// Frozen: offers.idempotency_keys, the stored answers of POST /offer/create/ for safe retries (service-kit's table).
import type { Kysely } from 'kysely'
import { createIdempotencyKeysTableV1 } from '@app/service-kit'

export async function up (db: Kysely<unknown>): Promise<void> {
  await createIdempotencyKeysTableV1(db, 'offers')
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('offers').dropTable('idempotency_keys').execute()
}
