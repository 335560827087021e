// The repositories over one connection, and transactions that hand the same repositories over one transaction.
import type { Kysely } from 'kysely'
import { auditRepository, type AuditRepository } from '../audit/audit.repository.ts'
import { refreshTokensRepository, type RefreshTokensRepository } from '../auth/auth.repository.ts'
import { sessionsRepository, type SessionsRepository } from '../auth/sessions.repository.ts'
import { usersRepository, type UsersRepository } from '../users/users.repository.ts'
import type { DB } from './types.ts'

export interface Store {
  users: UsersRepository
  refreshTokens: RefreshTokensRepository
  sessions: SessionsRepository
  audit: AuditRepository
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction: <T>(work: (store: Store) => Promise<T>) => Promise<T>
}

export function createStore (db: Kysely<DB>): Store {
  return {
    users: usersRepository(db),
    refreshTokens: refreshTokensRepository(db),
    sessions: sessionsRepository(db),
    audit: auditRepository(db),
    transaction: (work) => db.transaction().execute((trx) => work(createStore(trx)))
  }
}
