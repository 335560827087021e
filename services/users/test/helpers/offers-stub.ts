// A stand-in Offers client for tests of the Users routes: canned offers or a chosen failure, and the calls it got.
import type { Offer } from '@app/contracts'
import { OffersClientError, type OffersClient, type OffersClientFailure } from '@app/offers-client'

export interface OffersStub {
  client: OffersClient
  calls: Array<{ userId: number, requestId: string | undefined }>
  /** offers per user id */
  offers: Map<number, Offer[]>
  /** when set, every call fails this way */
  fail: OffersClientFailure | undefined
}

export function stubOffers (): OffersStub {
  const stub: OffersStub = {
    calls: [],
    offers: new Map(),
    fail: undefined,
    client: {
      async offersByUser (userId, opts) {
        stub.calls.push({ userId, requestId: opts?.requestId })
        if (stub.fail) throw new OffersClientError(stub.fail, `stubbed ${stub.fail}`, stub.fail === 'status' ? 502 : undefined)
        return stub.offers.get(userId) ?? []
      },
      async close () {}
    }
  }
  return stub
}

export function offerOf (userId: number, id: number): Offer {
  return { id, user_id: userId, title: `offer ${id}`, text: 'text', created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString() }
}
