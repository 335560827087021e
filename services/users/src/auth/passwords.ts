// Passwords: the 8–72 bytes rule, bcrypt hashes (async only) and a dummy hash so an unknown user costs the same.
import { randomBytes } from 'node:crypto'
import bcrypt from 'bcrypt'
import { invalidField } from '@app/service-kit'

/** bcrypt reads only the first 72 bytes: a longer password is refused, never cut. */
const PASSWORD_BYTES = { min: 8, max: 72 } as const

export function checkPasswordBytes (password: string, path: string): void {
  const bytes = Buffer.byteLength(password, 'utf8')
  if (bytes < PASSWORD_BYTES.min || bytes > PASSWORD_BYTES.max) {
    throw invalidField(path, `must be ${PASSWORD_BYTES.min} to ${PASSWORD_BYTES.max} bytes in UTF-8 (got ${bytes})`)
  }
}

export interface Passwords {
  hash: (password: string) => Promise<string>
  /** false for a missing hash too, after the same bcrypt work as a real comparison */
  verify: (password: string, hash: string | undefined) => Promise<boolean>
}

export async function createPasswords (cost: number): Promise<Passwords> {
  const dummy = await bcrypt.hash(randomBytes(24).toString('base64url'), cost)
  return {
    hash: (password) => bcrypt.hash(password, cost),
    async verify (password, hash) {
      const matches = await bcrypt.compare(password, hash ?? dummy)
      // bcrypt would compare only the first 72 bytes: a longer guess is never the stored password
      return matches && hash !== undefined && Buffer.byteLength(password, 'utf8') <= PASSWORD_BYTES.max
    }
  }
}
