// Registration, changes and deletion of an account; uniqueness is left to the database's unique indexes.
import type { Kysely } from 'kysely'
import type { PatchUserBody, RegisterBody, RegisteredUser, User } from '@app/contracts'
import type { DB } from '../db/types.ts'
import { violatedUnique } from '../repositories/pg-errors.ts'
import { revokeTokens } from '../repositories/refresh-tokens.ts'
import { deleteUser, findPasswordHash, findUserById, insertUser, updateUser, type AccountChanges, type AccountRow } from '../repositories/users.ts'
import { errors, invalidField, takenError } from './errors.ts'
import { checkPasswordBytes, type Passwords } from './passwords.ts'

export interface AccountsDeps { db: Kysely<DB>, passwords: Passwords }

export interface Accounts {
  register: (body: RegisterBody) => Promise<RegisteredUser>
  update: (callerId: number, userId: number, body: PatchUserBody) => Promise<User>
  remove: (callerId: number, userId: number) => Promise<void>
}

export function toUser (row: AccountRow): User {
  return { id: row.id, username: row.username, email: row.email, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() }
}

/** Runs a write and turns a unique violation into USERNAME_TAKEN or EMAIL_TAKEN. */
async function unique<T> (write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    throw takenError(violatedUnique(err)) ?? err
  }
}

export function createAccounts ({ db, passwords }: AccountsDeps): Accounts {
  /** The hash `current_password` was checked against, when one was given. */
  async function provenHash (userId: number, currentPassword: string | undefined): Promise<string | undefined> {
    if (currentPassword === undefined) return undefined
    const hash = await findPasswordHash(db, userId)
    if (hash === undefined) throw errors.userNotFound()
    if (!await passwords.verify(currentPassword, hash)) throw errors.invalidCurrentPassword()
    return hash
  }

  return {
    async register ({ username, password, email }) {
      checkPasswordBytes(password, '/password')
      const row = await unique(insertUser(db, { username, email: email.toLowerCase(), password_hash: await passwords.hash(password) }))
      return { id: row.id, username: row.username, email: row.email, created_at: row.created_at.toISOString() }
    },

    async update (callerId, userId, body) {
      if (callerId !== userId) throw errors.notSelf()
      const { username, email, password, current_password: currentPassword } = body
      if (username === undefined && email === undefined && password === undefined) {
        throw invalidField('/', 'must change at least one of username, email, password')
      }
      if (password !== undefined) {
        checkPasswordBytes(password, '/password')
        if (currentPassword === undefined) throw invalidField('/current_password', 'is required to change the password')
      }
      const expectedHash = await provenHash(userId, currentPassword)
      const changes: AccountChanges = {
        ...(username !== undefined ? { username } : {}),
        ...(email !== undefined ? { email: email.toLowerCase() } : {}),
        ...(password !== undefined ? { password_hash: await passwords.hash(password) } : {})
      }
      const row = await unique(db.transaction().execute(async (trx) => {
        const updated = await updateUser(trx, userId, changes, expectedHash)
        // a new password ends every session: stolen refresh tokens die with the old password
        if (updated && password !== undefined) await revokeTokens(trx, { user_id: userId })
        return updated
      }))
      if (row) return toUser(row)
      // nothing matched: the account is gone, or its password changed after current_password was checked
      if (expectedHash !== undefined && await findUserById(db, userId)) throw errors.invalidCurrentPassword()
      throw errors.userNotFound()
    },

    async remove (callerId, userId) {
      if (callerId !== userId) throw errors.notSelf()
      if (!await deleteUser(db, userId)) throw errors.userNotFound()
    }
  }
}
