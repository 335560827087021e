// Offers' use cases: create for an existing user, find by id, list a user's; rows mapped to the contract's Offer.
import type { Kysely } from 'kysely'
import type { CreateOfferBody, Offer } from '@app/contracts'
import { AppError } from '@app/service-kit'
import type { DB } from '../db/types.ts'
import { findOfferById, insertOffer, listOffersByUser, type OfferRow } from '../repositories/offers.ts'

const FOREIGN_KEY_VIOLATION = '23503'

export interface OffersService {
  create: (input: CreateOfferBody) => Promise<Offer>
  byId: (id: number) => Promise<Offer | undefined>
  byUser: (userId: number) => Promise<Offer[]>
}

function toOffer (row: OfferRow): Offer {
  return { id: row.id, user_id: row.user_id, title: row.title, text: row.text, created_at: row.created_at.toISOString() }
}

export function offersService (db: Kysely<DB>): OffersService {
  return {
    async create (input) {
      try {
        return toOffer(await insertOffer(db, input))
      } catch (err) {
        // The user may be gone while their access token is still valid: the foreign key is the source of truth.
        if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
          throw new AppError(404, 'USER_NOT_FOUND', `No user with id ${input.user_id}`)
        }
        throw err
      }
    },
    async byId (id) {
      const row = await findOfferById(db, id)
      return row && toOffer(row)
    },
    async byUser (userId) {
      return (await listOffersByUser(db, userId)).map(toOffer)
    }
  }
}
