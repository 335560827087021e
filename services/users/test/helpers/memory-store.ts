// In-memory fakes for the Users service's unit tests: the Store's repositories over arrays, passwords without
// bcrypt, tokens without keys. Transactions run their work directly (these tests check rules, not atomicity).
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
}

const uniqueViolation = (constraint: string) => Object.assign(new Error('duplicate key'), { code: '23505', constraint })

export function memoryStore (): Store & { rows: { users: UserRow[], tokens: TokenRow[] } } {
  const users: UserRow[] = []
  const tokens: TokenRow[] = []
  const account = ({ password_hash: _hash, ...row }: UserRow) => ({ ...row })
  const byHash = (hash: Buffer) => tokens.find((r) => r.token_hash.equals(hash))
  const store: Store & { rows: { users: UserRow[], tokens: TokenRow[] } } = {
    rows: { users, tokens },
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
        tokens.push({ ...values, expires_at: new Date(values.expires_at), used_at: null, revoked_at: null })
      },
      async consume (hash) {
        const row = byHash(hash)
        if (!row || row.used_at || row.revoked_at || row.expires_at <= new Date()) return undefined
        row.used_at = new Date()
        return { user_id: row.user_id, family_id: row.family_id }
      },
      async find (hash) {
        const row = byHash(hash)
        return row && { family_id: row.family_id, used_at: row.used_at }
      },
      async revoke (whose) {
        for (const row of tokens) {
          const match = 'family_id' in whose ? row.family_id === whose.family_id : row.user_id === whose.user_id
          if (match && !row.revoked_at) row.revoked_at = new Date()
        }
      }
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
