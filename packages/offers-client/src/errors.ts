// The one error the Offers client raises, saying which way the call failed.
export type OffersClientFailure =
  | 'transport' // could not connect, TLS refused, connection reset
  | 'timeout' // the call's time budget ran out
  | 'status' // Offers answered 5xx (or another status the contract does not allow)
  | 'invalid_body' // the body does not match the contract

export class OffersClientError extends Error {
  constructor (readonly failure: OffersClientFailure, message: string, readonly statusCode?: number, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OffersClientError'
  }
}
