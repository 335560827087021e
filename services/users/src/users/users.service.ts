// Accounts: registration, a user with their offers (from the Offers service), pages of users, and changes and
// deletion by the user themself. Uniqueness is left to the database's unique indexes.
import type {
  PatchUserBody, RegisterBody, RegisteredUser, User, UsersPage, UsersPageQuery, UserWithOffers
} from '@app/contracts'
import { OffersClientError, type OffersClient } from '@app/offers-client'
import { invalidField, violatedUnique } from '@app/service-kit'
import { originOf, type Requester } from '../audit/origin.ts'
import { addressKey } from '../auth/client-address.ts'
import type { LoginLimiter } from '../auth/login-limiter.ts'
import { checkPasswordBytes, type Passwords } from '../auth/passwords.ts'
import type { Store } from '../db/store.ts'
import { errors, isLockedOut, takenError } from '../errors.ts'
import type { AccountChanges, AccountRow } from './users.repository.ts'

/**
 * The request a call is made for: its id goes on to Offers, its address to the limits, failures to its log; id,
 * address and user agent to the audit trail.
 */
export interface RequestContext extends Requester {
  log: { warn: (details: object, message: string) => void }
}

export interface UsersServiceDeps {
  store: Store
  passwords: Passwords
  /** a wrong current_password is a failed login of the account */
  limiter: LoginLimiter
  offers: Pick<OffersClient, 'offersPage'>
  /** USER_OFFERS_EMBED_LIMIT: the newest offers a user is shown with */
  offersEmbedLimit: number
}

export interface UsersService {
  register: (body: RegisterBody, request: Requester) => Promise<RegisteredUser>
  user: (callerId: number, userId: number, request: RequestContext) => Promise<UserWithOffers>
  page: (query: UsersPageQuery) => Promise<UsersPage>
  update: (callerId: number, userId: number, body: PatchUserBody, request: RequestContext) => Promise<User>
  remove: (callerId: number, userId: number, request: Requester) => Promise<void>
}

function toUser (row: AccountRow): User {
  const { id, username, email } = row
  return { id, username, email, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() }
}

/** Runs a write and turns a unique violation into USERNAME_TAKEN or EMAIL_TAKEN. */
async function unique<T> (write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    throw takenError(violatedUnique(err)) ?? err
  }
}

export function createUsersService (
  { store, passwords, limiter, offers, offersEmbedLimit }: UsersServiceDeps
): UsersService {
  /** The hash `current_password` was checked against, when one was given; a wrong one counts as a failed login. */
  async function provenHash (userId: number, currentPassword: string | undefined, request: RequestContext) {
    if (currentPassword === undefined) return undefined
    const account = await store.users.findLogin(userId)
    if (!account) throw errors.userNotFound()
    const who = { username: account.username.toLowerCase(), address: addressKey(request.ip) }
    const check = async () => await passwords.verify(currentPassword, account.password_hash) || undefined
    const proven = await limiter.guard(who, check).catch(async (err: unknown) => {
      if (isLockedOut(err)) await store.audit.insert([{ type: 'login_locked', user_id: userId }], originOf(request))
      throw err
    })
    if (!proven) {
      // a failed login of the account (the contract's Tokens), written on its own: nothing else changes
      const detail = { reason: 'wrong_current_password' }
      await store.audit.insert([{ type: 'login_failed', user_id: userId, detail }], originOf(request))
      throw errors.invalidCurrentPassword()
    }
    return account.password_hash
  }

  /**
   * The user's newest offers and where the rest continue; any way the call fails (a body past the client's cap too)
   * is a 503 for the client, and its reason goes to the log.
   */
  async function offersOf (userId: number, request: RequestContext) {
    try {
      return await offers.offersPage(userId, { limit: offersEmbedLimit, requestId: request.id })
    } catch (err) {
      if (!(err instanceof OffersClientError)) throw err
      request.log.warn({ failure: err.failure, statusCode: err.statusCode, detail: err.message }, 'offers unavailable')
      throw errors.offersUnavailable()
    }
  }

  return {
    async register ({ username, password, email }, request) {
      checkPasswordBytes(password, '/password')
      const passwordHash = await passwords.hash(password)
      const row = await unique(store.transaction(async (trx) => {
        const account = await trx.users.insert({ username, email: email.toLowerCase(), password_hash: passwordHash })
        await trx.audit.insert([{ type: 'registered', user_id: account.id }], originOf(request))
        return account
      }))
      return { id: row.id, username: row.username, email: row.email, created_at: row.created_at.toISOString() }
    },

    async user (callerId, userId, request) {
      const row = await store.users.findById(userId)
      if (!row) throw errors.userNotFound()
      const { email, ...shown } = toUser(row)
      const { items, next_cursor: next } = await offersOf(userId, request)
      return { ...shown, ...(callerId === userId ? { email } : {}), offers: items, offers_next_cursor: next }
    },

    async page ({ page_num: pageNum, page_size: pageSize }) {
      const total = await store.users.count()
      const rows = await store.users.page({ limit: pageSize, offset: (pageNum - 1) * pageSize, total })
      return {
        items: rows.map((r) => ({ id: r.id, username: r.username, created_at: r.created_at.toISOString() })),
        page_num: pageNum,
        page_size: pageSize,
        total
      }
    },

    async update (callerId, userId, body, request) {
      if (callerId !== userId) throw errors.notSelf()
      const { username, email, password, current_password: currentPassword } = body
      if (username === undefined && email === undefined && password === undefined) {
        throw invalidField('/', 'must change at least one of username, email, password')
      }
      if (password !== undefined) {
        checkPasswordBytes(password, '/password')
        if (currentPassword === undefined) throw invalidField('/current_password', 'is required to change the password')
      }
      const expectedHash = await provenHash(userId, currentPassword, request)
      const changes: AccountChanges = {
        ...(username !== undefined ? { username } : {}),
        ...(email !== undefined ? { email: email.toLowerCase() } : {}),
        ...(password !== undefined ? { password_hash: await passwords.hash(password) } : {})
      }
      const row = await unique(store.transaction(async (trx) => {
        const updated = await trx.users.update(userId, changes, expectedHash)
        // a new password ends every session: stolen refresh tokens die with the old password
        if (updated && password !== undefined) {
          await trx.refreshTokens.revoke({ user_id: userId })
          await trx.audit.insert([{ type: 'password_changed', user_id: userId }], originOf(request))
        }
        return updated
      }))
      if (row) return toUser(row)
      // nothing matched: the account is gone, or its password changed after current_password was checked
      if (expectedHash !== undefined && await store.users.findById(userId)) throw errors.invalidCurrentPassword()
      throw errors.userNotFound()
    },

    async remove (callerId, userId, request) {
      if (callerId !== userId) throw errors.notSelf()
      // the event outlives the account: audit_events.user_id is no foreign key
      const removed = await store.transaction(async (trx) => {
        if (!await trx.users.remove(userId)) return false
        await trx.audit.insert([{ type: 'account_deleted', user_id: userId }], originOf(request))
        return true
      })
      if (!removed) throw errors.userNotFound()
    }
  }
}
