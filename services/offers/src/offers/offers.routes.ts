// POST /offer/create/ (behind a token: registered in a protected scope) and POST /offer/ (by offer_id or user_id).
import { CreateOfferBody, Offer, OfferQueryBody, OfferQueryResult } from '@app/contracts'
import { bodyProblems, idempotentPerUser, problems, type App } from '@app/service-kit'
import type { Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { linkNext, MAX_PAGE } from './offers-page.routes.ts'
import type { OffersPages } from './offers-page.service.ts'
import type { OffersService } from './offers.service.ts'

export interface OfferRoutesOptions {
  offers: OffersService
  /** the same service over another handle: a transaction */
  offersIn: (db: Kysely<DB>) => OffersService
  pages: OffersPages
}

export async function createOfferRoutes (app: App, { offersIn }: OfferRoutesOptions): Promise<void> {
  app.post('/offer/create/', {
    // safe retries (Idempotency-Key), the key scoped to the token's user
    config: idempotentPerUser,
    schema: {
      tags: ['offers'],
      operationId: 'createOffer',
      summary: 'Create an offer',
      description: 'Creates an offer for the caller. `user_id` must be the token\'s user (403 otherwise); ' +
        'a user that no longer exists answers 404. With an `Idempotency-Key` the offer and its stored answer are ' +
        'written in one transaction: a retry with the same key and body replays the answer.',
      body: CreateOfferBody,
      response: { 201: Offer, ...problems(...bodyProblems, 401, 403, 404) }
    }
  }, async (request, reply) => {
    reply.code(201)
    return app.idempotency.transaction(request, reply, (db) => offersIn(db).create(request.userId, request.body))
  })
}

export async function findOfferRoutes (app: App, { offers, pages }: OfferRoutesOptions): Promise<void> {
  app.post('/offer/', {
    schema: {
      tags: ['offers'],
      operationId: 'findOffers',
      summary: 'Find offers',
      description: 'With `offer_id`: that offer, or `[]` when there is none. With `user_id`: the user\'s newest ' +
        `offers, at most ${MAX_PAGE} (\`[]\` when none); when there are more, \`Link: <…>; rel="next"\` ` +
        'continues with `GET /offers/`. Exactly one of the two.',
      body: OfferQueryBody,
      response: { 200: OfferQueryResult, ...problems(...bodyProblems) }
    }
  }, async (request, reply) => {
    const { offer_id: offerId, user_id: userId } = request.body
    if (offerId !== undefined) return (await offers.byId(offerId)) ?? []
    // The schema admits exactly one property, so userId is set here. The shape stays a list; the rest is paged.
    const page = await pages.page(userId!, MAX_PAGE)
    linkNext(reply, userId!, MAX_PAGE, page.next_cursor)
    return page.items
  })
}
