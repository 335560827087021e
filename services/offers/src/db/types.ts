// The offers schema as Kysely sees it.
import type { ColumnType, Generated } from 'kysely'
import type { IdempotencyKeysTable } from '@app/service-kit'

export interface OffersTable {
  id: Generated<number>
  user_id: number
  title: string
  text: string
  created_at: ColumnType<Date, Date | string | undefined, never>
  /** set by the database on insert; an update sets it explicitly */
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface DB {
  'offers.offers': OffersTable
  'offers.idempotency_keys': IdempotencyKeysTable
}
