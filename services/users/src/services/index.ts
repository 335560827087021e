// The Users service's services, wired once from the config: what the route plugins receive.
import type { Kysely } from 'kysely'
import type { OffersClient } from '@app/offers-client'
import type { UsersConfig } from '../config.ts'
import type { DB } from '../db/types.ts'
import { createAccounts, type Accounts } from './accounts.ts'
import type { AttemptStore } from './attempt-store.ts'
import { createDirectory, type Directory } from './directory.ts'
import { createLoginLimiter } from './login-limiter.ts'
import { createPasswords } from './passwords.ts'
import { createSessions, type Sessions } from './sessions.ts'
import { createAccessTokens } from './tokens.ts'

export interface UsersServices { accounts: Accounts, sessions: Sessions, directory: Directory }

export interface ServiceDeps { db: Kysely<DB>, offers: OffersClient, attempts: AttemptStore }

export async function createServices (config: UsersConfig, { db, offers, attempts }: ServiceDeps): Promise<UsersServices> {
  const passwords = await createPasswords(config.BCRYPT_COST)
  const accessTokens = createAccessTokens({
    signingKey: config.signingKey,
    publicKeys: config.publicKeys,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS
  })
  const limiter = createLoginLimiter({ store: attempts, maxFailures: config.LOGIN_MAX_FAILURES, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS })
  return {
    accounts: createAccounts({ db, passwords }),
    sessions: createSessions({ db, passwords, accessTokens, limiter, refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS }),
    directory: createDirectory({ db, offers })
  }
}
