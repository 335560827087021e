// The audit page's opaque cursor: the id the next page starts below, base64url-wrapped so clients do not build one.
import { errors } from '../errors.ts'

const PREFIX = 'a1.'

export function encodeCursor (beforeId: number): string {
  return Buffer.from(`${PREFIX}${beforeId}`).toString('base64url')
}

/** The id in a cursor this list gave out; anything else is 400 INVALID_CURSOR, never a query with a bad value. */
export function decodeCursor (cursor: string): number {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : ''
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : ''
  const id = /^[1-9][0-9]{0,15}$/.test(digits) ? Number(digits) : NaN
  if (!Number.isSafeInteger(id)) throw errors.invalidCursor()
  return id
}
