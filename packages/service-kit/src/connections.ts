// The bounds on each stage of a connection's life (TLS handshake, first request, headers, whole request,
// keep-alive idle) and on how many connections a process holds, as Node's and Fastify's server options.

export interface ConnectionBounds {
  /** from TCP accept to a finished TLS handshake, bytes or none (Node counts it on the TLS socket) */
  handshakeTimeoutMs: number
  /** no byte either way for this long: the wait for a first request, a stalled upload or download */
  idleTimeoutMs: number
  /** the request line and headers, from the first request's start (Node's headersTimeout) */
  headersTimeoutMs: number
  /** the whole request, body included, received (Node's requestTimeout) */
  requestTimeoutMs: number
  /** between requests on a kept-alive connection (advertised in Keep-Alive: timeout=…) */
  keepAliveTimeoutMs: number
  /** open connections, half-open handshakes included; beyond it a new one is closed as soon as accepted */
  maxConnections: number
}

/**
 * A handshake is a few round trips: 5 s is generous even on a poor mobile link. No endpoint of ours works
 * longer than the 5 s pool wait or the 2 s Offers budget, so 10 s of silence is a client that is gone or
 * stalling. 30 s for a 64 kB body is a 2 kB/s link. 72 s outlives the 60 s idle timeout of common load
 * balancers (AWS ALB, nginx's upstream keepalive_timeout), so the balancer, not us, closes a pooled
 * connection and never sends a request on one we are closing. 2000 connections cost about 80 MB.
 */
export const connectionDefaults: ConnectionBounds = {
  handshakeTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  maxConnections: 2_000
}

/**
 * Node checks the header and request deadlines on a timer (30 s by default, which would double a 30 s bound):
 * every quarter of the shorter bound, at most every 50 ms and at least every second.
 */
function checkingIntervalMs (b: ConnectionBounds): number {
  return Math.min(1_000, Math.max(50, Math.floor(Math.min(b.headersTimeoutMs, b.requestTimeoutMs) / 4)))
}

/** Node's http(s).createServer options: the deadlines are read when the server is made. */
export function nodeServerOptions (b: ConnectionBounds) {
  return {
    headersTimeout: b.headersTimeoutMs,
    requestTimeout: b.requestTimeoutMs,
    connectionsCheckingInterval: checkingIntervalMs(b)
  }
}

/** Fastify's own options; connectionTimeout is the socket inactivity timeout Node applies outside keep-alive. */
export function fastifyServerOptions (b: ConnectionBounds) {
  return {
    connectionTimeout: b.idleTimeoutMs,
    keepAliveTimeout: b.keepAliveTimeoutMs,
    requestTimeout: b.requestTimeoutMs
  }
}
