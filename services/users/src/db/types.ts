// The users schema as Kysely sees it: schema-qualified tables.
import type { ColumnType, Generated } from 'kysely'
import type { IdempotencyKeysTable } from '@app/service-kit'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface UsersTable {
  id: Generated<number>
  username: string
  email: string
  password_hash: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface RefreshTokensTable {
  id: Generated<number>
  user_id: number
  family_id: string
  token_hash: Buffer
  expires_at: Date
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  created_at: Timestamp
}

/** Maintained by triggers on users.users only; the sum of `n` over all shards is the exact user count. */
export interface UserCountShardsTable {
  shard: number
  n: number
}

export interface DB {
  'users.users': UsersTable
  'users.refresh_tokens': RefreshTokensTable
  'users.user_count_shards': UserCountShardsTable
  'users.idempotency_keys': IdempotencyKeysTable
}
