// POST /offer/create/ (Bearer, self only) and POST /offer/ (by offer_id or by user_id).
import { CreateOfferBody, Offer, OfferQueryBody, OfferQueryResult } from '@app/contracts'
import { AppError, bodyProblems, problems, type App } from '@app/service-kit'
import type { OffersService } from '../services/offers.ts'

export interface OfferRoutesOptions { offers: OffersService }

export async function offerRoutes (app: App, { offers }: OfferRoutesOptions): Promise<void> {
  app.post('/offer/create/', {
    // Authentication runs before the body is read: no token, no parsing, and 401 wins over 400.
    onRequest: app.authenticate,
    schema: {
      tags: ['offers'],
      summary: 'Create an offer',
      description: 'Creates an offer for the caller. `user_id` must be the token\'s user (403 otherwise); ' +
        'a user that no longer exists answers 404.',
      security: [{ bearerAuth: [] }],
      body: CreateOfferBody,
      response: { 201: Offer, ...problems(...bodyProblems, 401, 403, 404) }
    }
  }, async (request, reply) => {
    if (request.body.user_id !== request.userId) {
      throw new AppError(403, 'FORBIDDEN', 'Offers can only be created for the authenticated user')
    }
    return reply.code(201).send(await offers.create(request.body))
  })

  app.post('/offer/', {
    schema: {
      tags: ['offers'],
      summary: 'Find offers',
      description: 'With `offer_id`: that offer, or `[]` when there is none. With `user_id`: the user\'s offers, ' +
        'newest first (`[]` when none). Exactly one of the two.',
      body: OfferQueryBody,
      response: { 200: OfferQueryResult, ...problems(...bodyProblems) }
    }
  }, async (request) => {
    const { offer_id: offerId, user_id: userId } = request.body
    if (offerId !== undefined) return (await offers.byId(offerId)) ?? []
    // The schema admits exactly one property, so userId is set here.
    return offers.byUser(userId!)
  })
}
