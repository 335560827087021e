// In-memory fakes for the Users service's unit tests: the Store's repositories over arrays, passwords without
// bcrypt, tokens without keys. Transactions run their work directly (these tests check rules, not atomicity).
import type { AuditRecord } from '../../src/audit/audit.repository.ts'
import type { Origin } from '../../src/audit/origin.ts'
import type { Passwords } from '../../src/auth/passwords.ts'
import type { AccessTokens } from '../../src/auth/tokens.ts'
import type { Store } from '../../src/db/store.ts'

interface UserRow {
  id: number
  username: string
  email: string
  password_hash: string
  created_at: Date
  updated_at: Date
}
interface TokenRow {
  user_id: number
  family_id: string
  token_hash: Buffer
  expires_at: Date
  used_at: Date | null
  revoked_at: Date | null
  session_created_at: Date
}
type AuditRow = AuditRecord & Origin

const uniqueViolation = (constraint: string) => Object.assign(new Error('duplicate key'), { code: '23505', constraint })

type Rows = { users: UserRow[], tokens: TokenRow[], audit: AuditRow[] }

export function memoryStore (): Store & { rows: Rows } {
  const users: UserRow[] = []
  const tokens: TokenRow[] = []
  const audit: AuditRow[] = []
  /** a family with any revoked token is ended, as in sessions.repository.ts */
  const ended = (familyId: string) => tokens.some((r) => r.family_id === familyId && r.revoked_at)
  const live = (r: TokenRow) => !r.used_at && !r.revoked_at && r.expires_at > new Date() && !ended(r.family_id)
  /** revokes the user's matching tokens; the families that had a live one */
  const revoke = (userId: number, match: (familyId: string) => boolean) => {
    const families = new Set<string>()
    for (const row of tokens.filter((r) => r.user_id === userId && match(r.family_id) && !r.revoked_at)) {
      if (row.expires_at > new Date()) families.add(row.family_id)
      row.revoked_at = new Date()
    }
    return [...families]
  }
  const account = ({ password_hash: _hash, ...row }: UserRow) => ({ ...row })
  const byHash = (hash: Buffer) => tokens.find((r) => r.token_hash.equals(hash))
  const store: Store & { rows: Rows } = {
    rows: { users, tokens, audit },
    users: {
      async insert ({ username, email, password_hash: passwordHash }) {
        if (users.some((u) => u.username.toLowerCase() === username.toLowerCase())) {
          throw uniqueViolation('users_username_lower_key')
        }
        if (users.some((u) => u.email === email)) throw uniqueViolation('users_email_key')
        const now = new Date()
        const row = {
          id: users.length + 1,
          username,
          email,
          password_hash: passwordHash,
          created_at: now,
          updated_at: now
        }
        users.push(row)
        return account(row)
      },
      async findById (id) {
        const row = users.find((u) => u.id === id)
        return row && account(row)
      },
      async findCredentials (username) {
        const row = users.find((u) => u.username.toLowerCase() === username.toLowerCase())
        return row && { id: row.id, password_hash: row.password_hash }
      },
      async findLogin (id) {
        const row = users.find((u) => u.id === id)
        return row && { username: row.username, password_hash: row.password_hash }
      },
      async update (id, changes, expectedHash) {
        const row = users.find((u) => u.id === id && (expectedHash === undefined || u.password_hash === expectedHash))
        if (!row) return undefined
        Object.assign(row, changes, { updated_at: new Date() })
        return account(row)
      },
      async remove (id) {
        const at = users.findIndex((u) => u.id === id)
        if (at < 0) return false
        users.splice(at, 1)
        return true
      },
      async page ({ limit, offset }) { return users.slice(offset, offset + limit).map(account) },
      async count () { return users.length }
    },
    refreshTokens: {
      async insert (values) {
        tokens.push({
          user_id: values.user_id,
          family_id: values.family_id,
          token_hash: values.token_hash,
          expires_at: new Date(values.expires_at),
          session_created_at: new Date(values.session_created_at ?? Date.now()),
          used_at: null,
          revoked_at: null
        })
      },
      async consume (hash) {
        const row = byHash(hash)
        if (!row || !live(row)) return undefined
        row.used_at = new Date()
        return { user_id: row.user_id, family_id: row.family_id, session_created_at: row.session_created_at }
      },
      async find (hash) {
        const row = byHash(hash)
        return row && { user_id: row.user_id, family_id: row.family_id, used_at: row.used_at }
      },
      async revoke (whose) {
        for (const row of tokens) {
          const match = 'family_id' in whose ? row.family_id === whose.family_id : row.user_id === whose.user_id
          if (match && !row.revoked_at) row.revoked_at = new Date()
        }
      }
    },
    sessions: {
      async list (userId, limit) {
        return tokens.filter((r) => r.user_id === userId && live(r)).slice(-limit).reverse().map((r) => ({
          family_id: r.family_id,
          session_created_at: r.session_created_at,
          created_at: r.session_created_at,
          ip: null,
          user_agent: null
        }))
      },
      async end (userId, familyId) { return revoke(userId, (f) => f === familyId).length > 0 },
      async endOthers (userId, keep) { return revoke(userId, (f) => f !== keep) }
    },
    audit: {
      async insert (events, origin) { audit.push(...events.map((e) => ({ ...e, ...origin }))) },
      async page (userId, limit) { return [] },
      async sweep () { return 0 }
    },
    transaction: (work) => work(store)
  }
  return store
}

/** "hash:" + the password: verify compares as bcrypt would, without its cost. */
export const plainPasswords: Passwords = {
  hash: async (password) => `hash:${password}`,
  verify: async (password, hash) => hash === `hash:${password}`
}

/** Access tokens that name their user: enough to see who a pair was issued to. */
export const fakeAccessTokens: AccessTokens = { ttlSeconds: 900, sign: (userId) => `access-token-of-${userId}` }
