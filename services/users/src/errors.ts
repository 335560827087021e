// The Users service's domain errors, each with its stable code; the error handler makes them problem+json.
import { AppError, DATABASE_RETRY_AFTER_SECONDS } from '@app/service-kit'

/**
 * What a client is told to wait while the shared limit store is unavailable. The client reconnects at least once a
 * second (redis-limit-store.ts) and a Redis restart takes about a second; the database's 2 s for the same reasons.
 */
export const LIMIT_STORE_RETRY_AFTER_SECONDS = DATABASE_RETRY_AFTER_SECONDS

export const errors = {
  usernameTaken: () => new AppError(409, 'USERNAME_TAKEN', 'This username is already taken'),
  emailTaken: () => new AppError(409, 'EMAIL_TAKEN', 'This email address is already registered'),
  invalidCredentials: () => new AppError(401, 'INVALID_CREDENTIALS', 'The username or password is wrong'),
  invalidCurrentPassword: () => new AppError(401, 'INVALID_CURRENT_PASSWORD', 'current_password is wrong'),
  invalidRefreshToken: () => new AppError(401, 'INVALID_REFRESH_TOKEN',
    'The refresh token is invalid, expired, revoked or already used'),
  notSelf: () => new AppError(403, 'FORBIDDEN', 'Only the user themself may change or delete this account'),
  userNotFound: () => new AppError(404, 'USER_NOT_FOUND', 'There is no such user'),
  // Offers restarting, hung, or itself without its database (DATABASE_UNAVAILABLE, Retry-After 2): the same wait
  offersUnavailable: () => new AppError(503, 'OFFERS_UNAVAILABLE', 'The Offers service could not be reached in time',
    { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) }),
  tooManyFailures: (retryAfterSeconds: number) => new AppError(429, 'TOO_MANY_FAILED_LOGINS',
    `Too many failed logins for this username; retry in ${retryAfterSeconds} s`,
    { 'retry-after': String(retryAfterSeconds) }),
  tooManyRequests: (retryAfterSeconds: number) => new AppError(429, 'TOO_MANY_REQUESTS',
    `Too many requests of this kind from this address; retry in ${retryAfterSeconds} s`),
  // the shared store of login limits (Redis) unreachable: no limit can be checked, so no login is tried
  limitStoreUnavailable: () => new AppError(503, 'RATE_LIMIT_STORE_UNAVAILABLE',
    'The store of login limits is unavailable; retry shortly',
    { 'retry-after': String(LIMIT_STORE_RETRY_AFTER_SECONDS) }),
  notSelfAudit: () => new AppError(403, 'FORBIDDEN', 'Only the user themself may read this account\'s audit trail'),
  sessionNotFound: () => new AppError(404, 'SESSION_NOT_FOUND', 'The caller has no live session by this id'),
  invalidCursor: () => new AppError(400, 'INVALID_CURSOR', 'The cursor is not one this list gave out'),
  passwordHashingBusy: () => new AppError(503, 'PASSWORD_HASHING_BUSY',
    'Too many password checks are waiting; retry shortly', { 'retry-after': '1' })
}

/** The failed-login limit refused the attempt (a lock-out the audit trail records). */
export function isLockedOut (err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'TOO_MANY_FAILED_LOGINS'
}

/** Maps a unique violation on users.users (by index name) to its 409, and passes anything else on. */
export function takenError (constraint: string | undefined): Error | undefined {
  if (constraint === 'users_username_lower_key') return errors.usernameTaken()
  if (constraint === 'users_email_key') return errors.emailTaken()
  return undefined
}
