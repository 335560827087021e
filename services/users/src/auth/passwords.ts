// Passwords: the 8–72 bytes rule, bcrypt hashes (async, in a bounded lane of their own) and a dummy hash so an
// unknown user costs the same.
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import bcrypt from 'bcrypt'
import { invalidField } from '@app/service-kit'
import { errors } from '../errors.ts'
import { createLane } from './work-lane.ts'

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

export interface PasswordOptions {
  cost: number
  /** hashes waiting for the lane beyond which a new one is 503 PASSWORD_HASHING_BUSY */
  maxQueue: number
  /** hashes running at once; by default the cores, leaving libuv threads free for connections and files */
  maxInFlight?: number
}

/** bcrypt runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default): keep two of its threads for the rest. */
export function defaultInFlight (): number {
  const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4
  return Math.max(1, Math.min(availableParallelism(), threads - 2))
}

export async function createPasswords (
  { cost, maxQueue, maxInFlight = defaultInFlight() }: PasswordOptions
): Promise<Passwords> {
  const dummy = await bcrypt.hash(randomBytes(24).toString('base64url'), cost)
  const lane = createLane({ maxInFlight, maxQueue, full: errors.passwordHashingBusy })
  return {
    hash: (password) => lane.run(() => bcrypt.hash(password, cost)),
    async verify (password, hash) {
      const matches = await lane.run(() => bcrypt.compare(password, hash ?? dummy))
      // bcrypt would compare only the first 72 bytes: a longer guess is never the stored password
      return matches && hash !== undefined && Buffer.byteLength(password, 'utf8') <= PASSWORD_BYTES.max
    }
  }
}
