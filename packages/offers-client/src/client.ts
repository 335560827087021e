// PLACEHOLDER until issue 3 lands: the interface Users codes against. Replace the body, keep the shape.
import type { Offer } from '@app/contracts'
import { OffersClientError } from './errors.ts'

export interface OffersClientOptions {
  /** e.g. https://localhost:3002 */
  baseUrl: string
  /** PEM of the CA that signed Offers' certificate */
  ca: string
  /** overall budget for one call, connect to last body byte */
  timeoutMs: number
  connections?: number
}

export interface OffersClient {
  /** POST /offer/ {user_id}: the user's offers, newest first */
  offersByUser: (userId: number, opts?: { requestId?: string }) => Promise<Offer[]>
  close: () => Promise<void>
}

export function createOffersClient (_opts: OffersClientOptions): OffersClient {
  return {
    offersByUser: async () => { throw new OffersClientError('transport', 'not implemented yet') },
    close: async () => {}
  }
}
