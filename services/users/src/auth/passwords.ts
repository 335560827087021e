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
  /** told how long each hash or check waited for the lane (the metrics) */
  onWait?: (seconds: number) => void
}

/** bcrypt runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default): keep two of its threads for the rest. */
export function defaultInFlight (): number {
  const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4
  return Math.max(1, Math.min(availableParallelism(), threads - 2))
}

const BCRYPT_BASE64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A well-formed hash at `cost` whose checksum is random: no password matches it, and comparing with it costs
 * what comparing with a real hash does. Made without hashing, which at cost 12 would add ~0.3 s to every boot.
 */
export async function unmatchableHash (cost: number): Promise<string> {
  const checksum = Array.from(randomBytes(31), (byte) => BCRYPT_BASE64[byte & 63]).join('')
  return (await bcrypt.genSalt(cost)) + checksum
}

export async function createPasswords (
  { cost, maxQueue, maxInFlight = defaultInFlight(), onWait }: PasswordOptions
): Promise<Passwords & { /** hashes and checks waiting for the lane now */ queued: () => number }> {
  const dummy = await unmatchableHash(cost)
  const lane = createLane({ maxInFlight, maxQueue, full: errors.passwordHashingBusy, onWait })
  return {
    hash: (password) => lane.run(() => bcrypt.hash(password, cost)),
    async verify (password, hash) {
      const matches = await lane.run(() => bcrypt.compare(password, hash ?? dummy))
      // bcrypt would compare only the first 72 bytes: a longer guess is never the stored password
      return matches && hash !== undefined && Buffer.byteLength(password, 'utf8') <= PASSWORD_BYTES.max
    },
    queued: lane.queued
  }
}
