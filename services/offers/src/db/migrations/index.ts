// The offers schema's migrations, in order. Never edit a released one: add a new file.
import type { Migration } from 'kysely'
import * as offers from './20261122_01_offers.ts'
import * as offerUpdatedAt from './20261130_02_offer_updated_at.ts'
import * as idempotencyKeys from './20261130_03_idempotency_keys.ts'

export const migrations: Record<string, Migration> = {
  '20261122_01_offers': offers,
  '20261130_02_offer_updated_at': offerUpdatedAt,
  '20261130_03_idempotency_keys': idempotencyKeys
}
