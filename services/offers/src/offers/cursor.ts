// The page cursor of GET /offers/: base64url of a versioned tuple [version, user_id, created_at, id], opaque to
// clients and checked strictly, so that whatever a client sends is a position of that user's list or a 400.
import { errors } from '../errors.ts'

/** Where a page ends: created_at to the microsecond (a JS Date keeps only milliseconds), then id. */
export interface PagePosition {
  /** ISO 8601 UTC with six fractional digits, as PostgreSQL stores it */
  createdAt: string
  id: number
}

const VERSION = 1
/** ours are ~70 characters; the contract's OffersCursor allows 200 */
const MAX_LENGTH = 200
const MICROS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

export function encodeCursor (userId: number, { createdAt, id }: PagePosition): string {
  return Buffer.from(JSON.stringify([VERSION, userId, createdAt, id])).toString('base64url')
}

const positiveId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1

/** A real calendar time: the regular expression alone would let 2026-13-45 through to PostgreSQL (a 500). */
function validTimestamp (v: unknown): v is string {
  if (typeof v !== 'string' || !MICROS_TIMESTAMP.test(v)) return false
  const millis = `${v.slice(0, 23)}Z`
  const date = new Date(millis)
  return !Number.isNaN(date.getTime()) && date.toISOString() === millis
}

/** The position a cursor names, for this user only; anything else is 400 INVALID_CURSOR. */
export function decodeCursor (userId: number, cursor: string): PagePosition {
  if (cursor.length > MAX_LENGTH) throw errors.invalidCursor()
  const bytes = Buffer.from(cursor, 'base64url')
  // Node's decoder skips what it cannot read: only the canonical spelling of the bytes is the cursor we gave out
  if (bytes.toString('base64url') !== cursor) throw errors.invalidCursor()
  let tuple: unknown
  try {
    tuple = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw errors.invalidCursor()
  }
  if (!Array.isArray(tuple) || tuple.length !== 4) throw errors.invalidCursor()
  const [version, owner, createdAt, id] = tuple as unknown[]
  if (version !== VERSION || owner !== userId || !validTimestamp(createdAt) || !positiveId(id)) {
    throw errors.invalidCursor()
  }
  return { createdAt, id }
}
