// Which database failures are an outage (a retryable 503 DATABASE_UNAVAILABLE) rather than a bug (500): the
// server down, starting or shutting down, a connection lost under a query, a pool that cannot hand one out in time.

/**
 * What a client is told to wait. A PostgreSQL restart (fast shutdown and start, or crash recovery after a kill)
 * takes one to three seconds here, and a pool that timed out waiting has been saturated for seconds already:
 * 1 s would send every client back into the same outage, while 2 s costs an obedient client at most about a
 * second of extra delay once the database answers.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2

/**
 * The socket's own failures on the way to PostgreSQL: nothing listens (it is down or restarting), the
 * connection was cut, the host cannot be reached or is, for a moment, gone from DNS (a container restarting).
 * The services' only other outbound call, to Offers, wraps its failures before they reach the error handler.
 */
const networkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  'EAI_AGAIN'
])

/**
 * SQLSTATEs of a server that cannot serve now: admin_shutdown (a fast shutdown, or a backend whose postmaster
 * died), crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery), too_many_connections.
 */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300'])

/** Class 08, connection exception, except protocol_violation: that one is a bug in a driver, not an outage. */
const isConnectionException = (state: string) => state.startsWith('08') && state !== '08P01'

/** pg's own errors carry no code, only these exact messages. */
const poolMessages = new Set([
  // the server closed the socket under a query (a kill, a crash, a network cut)
  'Connection terminated unexpectedly',
  // a new connection did not finish connecting and authenticating within connectionTimeoutMillis (the server
  // hung, or SCRAM's key derivation waited behind password hashing in libuv's thread pool)
  'Connection terminated due to connection timeout',
  // the same, when the connection's own timer (pg.Client's connectionTimeoutMillis) fires before the pool's
  'timeout expired',
  // no pooled connection was free within connectionTimeoutMillis
  'timeout exceeded when trying to connect',
  // a query (a transaction's ROLLBACK) on a connection that had already failed
  'Client has encountered a connection error and is not queryable'
])

const MAX_DEPTH = 4

/** True when `err`, its cause or one of an AggregateError's errors (a host with several addresses) is an outage. */
export function isDatabaseUnavailable (err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > MAX_DEPTH) return false
  const { code, message, cause, errors } = err as Partial<Record<'code' | 'message' | 'cause' | 'errors', unknown>>
  if (typeof code === 'string') {
    if (networkCodes.has(code) || unavailableStates.has(code) || isConnectionException(code)) return true
  }
  if (typeof message === 'string' && poolMessages.has(message)) return true
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true
  return isDatabaseUnavailable(cause, depth + 1)
}
