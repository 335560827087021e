// PATCH and DELETE /offer/{offer_id}/: the owner changes or removes an offer (registered in a protected scope).
import { Offer, OfferIdParams, PatchOfferBody } from '@app/contracts'
import { bodyProblems, NoContent, noContent, problems, type App } from '@app/service-kit'
import type { OfferEditsService } from './offer-edits.service.ts'

export interface OfferEditRoutesOptions { edits: OfferEditsService }

export async function editOfferRoutes (app: App, { edits }: OfferEditRoutesOptions): Promise<void> {
  app.patch('/offer/:offer_id/', {
    schema: {
      tags: ['offers'],
      operationId: 'updateOffer',
      summary: 'Change your offer',
      description: 'Changes `title`, `text` or both of one of the caller\'s offers, with the same rules as ' +
        'creation, and moves `updated_at`. Another user\'s offer is 403; an offer that does not exist, 404.',
      params: OfferIdParams,
      body: PatchOfferBody,
      response: { 200: Offer, ...problems(...bodyProblems, 401, 403, 404) }
    }
  }, async (request) => edits.update(request.userId, request.params.offer_id, request.body))

  app.delete('/offer/:offer_id/', {
    schema: {
      tags: ['offers'],
      operationId: 'deleteOffer',
      summary: 'Delete your offer',
      description: 'Deletes one of the caller\'s offers and answers 204 with no body. Another user\'s offer is ' +
        '403; an offer that does not exist (or no longer does), 404.',
      params: OfferIdParams,
      response: { 204: NoContent, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await edits.remove(request.userId, request.params.offer_id)
    return noContent(reply)
  })
}
