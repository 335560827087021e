// What the HTTP parser refuses before there is a request (a NUL in a header, 20 kB of headers, a broken request
// line, a request not received in time): a complete problem+json answer on the raw socket, then the connection ends.
// Node's and Fastify's defaults answer plain JSON of their own shape.
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { problem } from './problems.ts'

type Refusal = [status: number, code: string, detail: string]

/** Node's error codes that have a status of their own; anything else the parser refuses is 400. */
const refusals: Record<string, Refusal> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'The request line and headers are larger than this service accepts'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'PAYLOAD_TOO_LARGE', 'The chunk extensions are larger than accepted'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request was not received in time']
}

/** llhttp's reasons are fixed English phrases ("Invalid header value char"); anything else is not echoed. */
const PLAIN_REASON = /^[\w .,'-]{1,80}$/

/** The answer to a parser error (HPE_*) or a timeout; undefined for a network or TLS error, which gets none. */
function refusal (err: Error & { code?: string, reason?: unknown }): Refusal | undefined {
  const known = err.code ? refusals[err.code] : undefined
  if (known) return known
  if (!err.code?.startsWith('HPE_')) return undefined
  const reason = typeof err.reason === 'string' && PLAIN_REASON.test(err.reason) ? `: ${err.reason}` : ''
  return [400, 'BAD_REQUEST', `The request is not valid HTTP/1.1${reason}`]
}

/** How long a refused connection may stay open for the client to read the answer. */
const LINGER_MS = 1000
/** Sockets already answered: the parser can report the same error again as more bytes arrive. */
const answered = new WeakSet<Socket>()

/**
 * Fastify's `clientErrorHandler` (called with the instance as `this`). Like Node's own, nothing is written when the
 * socket cannot take it or an answer on it has begun (a second one would corrupt the stream); unlike it, a reset or
 * other network error gets no answer either, only the socket closed.
 */
export function clientErrorHandler (this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (answered.has(socket)) return
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  const refused = socket.writable && !inFlight?.headersSent ? refusal(err) : undefined
  if (!refused) {
    socket.destroy()
    return
  }
  answered.add(socket)
  const [status, code, detail] = refused
  const id = randomUUID()
  this.log.info({ reqId: id, client: socket.remoteAddress, code, status, parserError: err.code }, 'request refused')
  const answer = problem(status, code, detail)
  const body = JSON.stringify(answer)
  socket.end([
    `HTTP/1.1 ${status} ${answer.title}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Date: ${new Date().toUTCString()}`,
    `x-request-id: ${id}`,
    // the same transport headers helmet puts on every other answer (app.ts)
    'Strict-Transport-Security: max-age=31536000; includeSubDomains',
    'X-Content-Type-Options: nosniff',
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
    'Connection: close',
    '',
    body
  ].join('\r\n'))
  // ended, not destroyed: closing with unread bytes would reset the connection before the client reads the answer
  setTimeout(() => socket.destroy(), LINGER_MS).unref()
}
