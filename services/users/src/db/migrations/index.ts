// The users schema's migrations, in order. Never edit a released one: add a new file.
import type { Migration } from 'kysely'
import * as users from './20261122_01_users.ts'
import * as userCount from './20261123_01_user_count.ts'
import * as idempotencyKeys from './20261130_01_idempotency_keys.ts'
import * as sessions from './20261130_02_sessions.ts'
import * as auditEvents from './20261130_03_audit_events.ts'

export const migrations: Record<string, Migration> = {
  '20261122_01_users': users,
  '20261123_01_user_count': userCount,
  '20261130_01_idempotency_keys': idempotencyKeys,
  '20261130_02_sessions': sessions,
  '20261130_03_audit_events': auditEvents
}
