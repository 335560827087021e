// Login, refresh and logout: a session is a family of single-use refresh tokens; reuse revokes the family. Each
// outcome is written to the audit trail, in the transaction of the change it records.
import { randomUUID } from 'node:crypto'
import type { TokenPair } from '@app/contracts'
import type { AuditRecord } from '../audit/audit.repository.ts'
import { originOf, type Origin, type Requester } from '../audit/origin.ts'
import type { Store } from '../db/store.ts'
import { errors, isLockedOut } from '../errors.ts'
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

/** Where a request comes from: its client address (grouped by client-address.ts for the limits), agent and id. */
export type Client = Requester

export interface AuthService {
  login: (username: string, password: string, client: Client) => Promise<TokenPair>
  refresh: (refreshToken: string, client: Client) => Promise<TokenPair>
  logout: (refreshToken: string, client: Client) => Promise<void>
}

type SessionStart = Pick<ConsumedToken, 'family_id' | 'session_created_at'>

const DAY_MS = 86_400_000

export function createAuthService (
  { store, passwords, accessTokens, limiter, refreshTtlDays, onReuse }: AuthServiceDeps
): AuthService {
  /** A new refresh token in the session, written through `trx`, and the access token that goes with it. */
  async function issue (trx: Store, userId: number, session: SessionStart, origin: Origin): Promise<TokenPair> {
    const refresh = newRefreshToken()
    await trx.refreshTokens.insert({
      user_id: userId,
      family_id: session.family_id,
      session_created_at: session.session_created_at,
      token_hash: refresh.hash,
      expires_at: new Date(Date.now() + refreshTtlDays * DAY_MS),
      ip: origin.ip,
      user_agent: origin.user_agent
    })
    return {
      user_id: userId,
      access_token: accessTokens.sign(userId, session.family_id),
      refresh_token: refresh.token,
      token_type: 'Bearer',
      expires_in: accessTokens.ttlSeconds
    }
  }

  /**
   * Consumes a live token in `trx` and returns its session. A known but used token is a replay:
   * its whole family is revoked. Anything else (unknown, expired, revoked) simply fails.
   */
  async function consume (trx: Store, refreshToken: string, origin: Origin): Promise<ConsumedToken | undefined> {
    const hash = hashRefreshToken(refreshToken)
    const consumed = await trx.refreshTokens.consume(hash)
    if (consumed) return consumed
    const known = await trx.refreshTokens.find(hash)
    if (known?.used_at) {
      await trx.refreshTokens.revoke({ family_id: known.family_id })
      const detail = { session_id: known.family_id }
      await trx.audit.insert([{ type: 'refresh_reuse_detected', user_id: known.user_id, detail }], origin)
      onReuse?.()
    }
    return undefined
  }

  /** A failed or locked login changes nothing else: its event is written on its own. */
  const refused = (origin: Origin, event: AuditRecord) => store.audit.insert([event], origin)

  return {
    async login (username, password, client) {
      const origin = originOf(client)
      const canonical = canonicalUsername(username)
      if (canonical === undefined) {
        // a name registration would refuse names no account: the same 401, after the same bcrypt work and write
        await passwords.verify(password, undefined)
        await refused(origin, { type: 'login_failed', user_id: null, detail: { reason: 'unknown_user' } })
        throw errors.invalidCredentials()
      }
      // the username is not recorded (a password typed into its field would be): the request id leads to the log
      let account: number | undefined
      let userId: number | undefined
      try {
        userId = await limiter.guard({ username: canonical, address: addressKey(client.ip) }, async () => {
          const found = await store.users.findCredentials(canonical)
          account = found?.id
          return await passwords.verify(password, found?.password_hash) ? found?.id : undefined
        })
      } catch (err) {
        if (isLockedOut(err)) {
          const found = await store.users.findCredentials(canonical)
          await refused(origin, { type: 'login_locked', user_id: found?.id ?? null })
        }
        throw err
      }
      if (userId === undefined) {
        const reason = account === undefined ? 'unknown_user' : 'wrong_password'
        await refused(origin, { type: 'login_failed', user_id: account ?? null, detail: { reason } })
        throw errors.invalidCredentials()
      }
      const session = { family_id: randomUUID(), session_created_at: new Date() }
      const detail = { session_id: session.family_id }
      return store.transaction(async (trx) => {
        await trx.audit.insert([{ type: 'login_succeeded', user_id: userId, detail }], origin)
        return issue(trx, userId, session, origin)
      })
    },

    async refresh (refreshToken, client) {
      const origin = originOf(client)
      // the replay's revocation must commit even though the answer is 401, so the error is thrown after
      const pair = await store.transaction(async (trx) => {
        const session = await consume(trx, refreshToken, origin)
        return session && await issue(trx, session.user_id, session, origin)
      })
      if (!pair) throw errors.invalidRefreshToken()
      return pair
    },

    async logout (refreshToken, client) {
      const origin = originOf(client)
      const ended = await store.transaction(async (trx) => {
        const session = await consume(trx, refreshToken, origin)
        if (!session) return false
        await trx.refreshTokens.revoke({ family_id: session.family_id })
        const detail = { session_id: session.family_id }
        await trx.audit.insert([{ type: 'logout', user_id: session.user_id, detail }], origin)
        return true
      })
      if (!ended) throw errors.invalidRefreshToken()
    }
  }
}
