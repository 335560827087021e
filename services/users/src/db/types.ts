// The users schema as Kysely sees it: schema-qualified tables.
import type { AuditEventType } from '@app/contracts'
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
  /** when the family (the session) began: copied from token to token */
  session_created_at: Timestamp
  /** the client that made this token: the login, or the refresh that rotated to it */
  ip: string | null
  user_agent: string | null
}

/** Kept after the account is gone: user_id is no foreign key. `detail` never holds a secret. */
export interface AuditEventsTable {
  id: Generated<number>
  type: AuditEventType
  at: Timestamp
  user_id: number | null
  ip: string | null
  user_agent: string | null
  request_id: string | null
  detail: ColumnType<Record<string, unknown>, string | undefined, string>
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
  'users.audit_events': AuditEventsTable,
  'users.idempotency_keys': IdempotencyKeysTable
}
