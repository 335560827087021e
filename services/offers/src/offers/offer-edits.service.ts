// Offers' rule for changes: only the owner edits or deletes an offer. 403 and 404 are told apart only after the
// owner's write matched nothing, and an offer's owner is public anyway (POST /offer/ shows its user_id).
import type { Offer, PatchOfferBody } from '@app/contracts'
import { errors } from '../errors.ts'
import type { OfferEditsRepository } from './offer-edits.repository.ts'
import { toOffer } from './offers.service.ts'

export interface OfferEditsService {
  update: (callerId: number, offerId: number, changes: PatchOfferBody) => Promise<Offer>
  remove: (callerId: number, offerId: number) => Promise<void>
}

export function createOfferEditsService (edits: OfferEditsRepository): OfferEditsService {
  /** Why the caller's write matched no row: someone else's offer, or none at all (also when it just went). */
  async function refusal (offerId: number): Promise<Error> {
    return await edits.exists(offerId) ? errors.notOwner() : errors.offerNotFound(offerId)
  }

  return {
    async update (callerId, offerId, { title, text }) {
      const changes = { ...(title !== undefined && { title }), ...(text !== undefined && { text }) }
      const row = await edits.updateOwned(offerId, callerId, changes)
      if (!row) throw await refusal(offerId)
      return toOffer(row)
    },
    async remove (callerId, offerId) {
      if (!await edits.deleteOwned(offerId, callerId)) throw await refusal(offerId)
    }
  }
}
