// Offers' rules: a caller creates offers for themself only, for a user that exists; rows become the contract's Offer.
import type { CreateOfferBody, Offer } from '@app/contracts'
import { violatedForeignKey } from '@app/service-kit'
import { errors } from '../errors.ts'
import type { OfferRow, OffersRepository } from './offers.repository.ts'

export interface OffersService {
  create: (callerId: number, input: CreateOfferBody) => Promise<Offer>
  byId: (id: number) => Promise<Offer | undefined>
}

export function toOffer (row: OfferRow): Offer {
  return {
    id: row.id,
    user_id: row.user_id,
    title: row.title,
    text: row.text,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString()
  }
}

export function createOffersService (offers: OffersRepository): OffersService {
  return {
    async create (callerId, input) {
      if (input.user_id !== callerId) throw errors.notSelf()
      try {
        return toOffer(await offers.insert(input))
      } catch (err) {
        // The user may be gone while their access token is still valid: the foreign key is the source of truth.
        if (violatedForeignKey(err)) throw errors.userNotFound(input.user_id)
        throw err
      }
    },
    async byId (id) {
      const row = await offers.findById(id)
      return row && toOffer(row)
    }
  }
}
