// The one error the Offers client raises, saying which way the call failed, and how a raw failure maps onto it.
export type OffersClientFailure =
  | 'transport' // could not connect, TLS refused, connection reset
  | 'timeout' // the call's time budget ran out
  | 'status' // Offers answered 5xx (or another status the contract does not allow)
  | 'invalid_body' // the body does not match the contract
  | 'too_large' // the body is longer than the client reads (maxBodyBytes)

export class OffersClientError extends Error {
  constructor (
    readonly failure: OffersClientFailure, message: string, readonly statusCode?: number, options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'OffersClientError'
  }
}

/** A body longer than the client will read: the connection is dropped instead of buffering it. */
export class OffersResponseTooLarge extends OffersClientError {
  constructor (readonly maxBodyBytes: number, options?: { cause?: unknown }) {
    super('too_large', `Offers answered a body longer than ${maxBodyBytes} bytes`, 200, options)
    this.name = 'OffersResponseTooLarge'
  }
}

/** undici's own per-phase timeouts; they sit under the call's budget and mean the same thing. */
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * Any failure while connecting, sending or reading: too_large past the body cap, a timeout when the budget ran out,
 * transport otherwise.
 */
export function transportFailure (err: unknown, budgetMs: number, maxBodyBytes: number): OffersClientError {
  if (err instanceof OffersClientError) return err
  const { code, name, message } = err as { code?: unknown, name?: unknown, message?: unknown }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return new OffersResponseTooLarge(maxBodyBytes, { cause: err })
  if (name === 'TimeoutError' || timeoutCodes.has(String(code))) {
    return new OffersClientError('timeout', `Offers did not answer within ${budgetMs} ms`, undefined, { cause: err })
  }
  return new OffersClientError(
    'transport',
    `Offers could not be reached (${typeof code === 'string' ? code : String(message)})`,
    undefined,
    { cause: err }
  )
}
