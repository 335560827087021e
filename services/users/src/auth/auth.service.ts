// Login, refresh and logout: a session is a family of single-use refresh tokens; reuse revokes the family.
import { randomUUID } from 'node:crypto'
import type { TokenPair } from '@app/contracts'
import type { Store } from '../db/store.ts'
import { errors } from '../errors.ts'
import type { ConsumedToken } from './auth.repository.ts'
import { canonicalUsername } from './canonical-username.ts'
import { addressKey } from './client-address.ts'
import type { LoginLimiter } from './login-limiter.ts'
import type { Passwords } from './passwords.ts'
import { hashRefreshToken, newRefreshToken, type AccessTokens } from './tokens.ts'

export interface AuthServiceDeps {
  store: Store
  passwords: Passwords
  accessTokens: AccessTokens
  limiter: LoginLimiter
  refreshTtlDays: number
  /** told of each refresh-token reuse (the metrics) */
  onReuse?: () => void
}

/** Where a request comes from: its client address (grouped by client-address.ts for the limits). */
export interface Client { ip: string }

export interface AuthService {
  login: (username: string, password: string, client: Client) => Promise<TokenPair>
  refresh: (refreshToken: string) => Promise<TokenPair>
  logout: (refreshToken: string) => Promise<void>
}

const DAY_MS = 86_400_000

export function createAuthService (
  { store, passwords, accessTokens, limiter, refreshTtlDays, onReuse }: AuthServiceDeps
): AuthService {
  /** A new refresh token in `familyId`, written through `trx`, and the access token that goes with it. */
  async function issue (trx: Store, userId: number, familyId: string): Promise<TokenPair> {
    const refresh = newRefreshToken()
    await trx.refreshTokens.insert({
      user_id: userId,
      family_id: familyId,
      token_hash: refresh.hash,
      expires_at: new Date(Date.now() + refreshTtlDays * DAY_MS)
    })
    return {
      user_id: userId,
      access_token: accessTokens.sign(userId),
      refresh_token: refresh.token,
      token_type: 'Bearer',
      expires_in: accessTokens.ttlSeconds
    }
  }

  /**
   * Consumes a live token in `trx` and returns its session. A known but used token is a replay:
   * its whole family is revoked. Anything else (unknown, expired, revoked) simply fails.
   */
  async function consume (trx: Store, refreshToken: string): Promise<ConsumedToken | undefined> {
    const hash = hashRefreshToken(refreshToken)
    const consumed = await trx.refreshTokens.consume(hash)
    if (consumed) return consumed
    const known = await trx.refreshTokens.find(hash)
    if (known?.used_at) {
      await trx.refreshTokens.revoke({ family_id: known.family_id })
      onReuse?.()
    }
    return undefined
  }

  return {
    async login (username, password, client) {
      const canonical = canonicalUsername(username)
      if (canonical === undefined) {
        // a name registration would refuse names no account: the same 401, after the same bcrypt work
        await passwords.verify(password, undefined)
        throw errors.invalidCredentials()
      }
      const userId = await limiter.guard({ username: canonical, address: addressKey(client.ip) }, async () => {
        const found = await store.users.findCredentials(canonical)
        return await passwords.verify(password, found?.password_hash) ? found?.id : undefined
      })
      if (userId === undefined) throw errors.invalidCredentials()
      return issue(store, userId, randomUUID())
    },

    async refresh (refreshToken) {
      // the replay's revocation must commit even though the answer is 401, so the error is thrown after
      const pair = await store.transaction(async (trx) => {
        const session = await consume(trx, refreshToken)
        return session && await issue(trx, session.user_id, session.family_id)
      })
      if (!pair) throw errors.invalidRefreshToken()
      return pair
    },

    async logout (refreshToken) {
      const ended = await store.transaction(async (trx) => {
        const session = await consume(trx, refreshToken)
        if (session) await trx.refreshTokens.revoke({ family_id: session.family_id })
        return session !== undefined
      })
      if (!ended) throw errors.invalidRefreshToken()
    }
  }
}
