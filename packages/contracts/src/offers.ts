// The Offers service's request and response schemas.
import { Type, type Static } from 'typebox'
import { Id, Timestamp } from './common.ts'

export const Offer = Type.Object({
  id: Id,
  user_id: Id,
  title: Type.String(),
  text: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp
}, { title: 'Offer' })
export type Offer = Static<typeof Offer>

/**
 * Not only white space, and no NUL character (PostgreSQL text cannot hold one: it would be a 500).
 * Written so that matching stays linear in the length: no nested or overlapping repetition.
 */
const NOT_BLANK_NO_NUL = '^\\s*[^\\s\\u0000][^\\u0000]*$'

export const CreateOfferBody = Type.Object({
  user_id: Id,
  title: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: NOT_BLANK_NO_NUL,
    description: '1–200 characters, not only spaces, no NUL'
  }),
  text: Type.String({
    minLength: 1,
    maxLength: 10_000,
    pattern: NOT_BLANK_NO_NUL,
    description: '1–10 000 characters, not only spaces, no NUL'
  })
}, { additionalProperties: false })
export type CreateOfferBody = Static<typeof CreateOfferBody>

export const OfferQueryBody = Type.Object({
  offer_id: Type.Optional(Id),
  user_id: Type.Optional(Id)
}, {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'Exactly one of offer_id or user_id',
  examples: [{ user_id: 42 }, { offer_id: 7 }]
})
export type OfferQueryBody = Static<typeof OfferQueryBody>

export const OfferList = Type.Array(Offer, { description: 'Offers, newest first' })
export type OfferList = Static<typeof OfferList>

export const OfferQueryResult = Type.Union([Offer, OfferList], {
  description: 'By offer_id: the offer, or [] when there is none. By user_id: the user\'s offers, newest first.'
})
export type OfferQueryResult = Static<typeof OfferQueryResult>

/** Opaque to clients: base64url, as the service gave it out. */
export const OffersCursor = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Opaque; pass it back as given'
})

export const OffersPageQuery = Type.Object({
  user_id: Id,
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: '1–100 offers per page' }),
  // any text here: the service checks it whole, so that every bad cursor is the one answer, 400 INVALID_CURSOR
  cursor: Type.Optional(Type.String({
    description: 'next_cursor of the previous page, for the same user_id; anything else is 400 INVALID_CURSOR'
  }))
}, { additionalProperties: false })
export type OffersPageQuery = Static<typeof OffersPageQuery>

export const NextCursor = Type.Union([OffersCursor, Type.Null()], {
  description: 'The cursor of the next page, or null on the last page'
})

export const OffersPage = Type.Object({
  items: OfferList,
  next_cursor: NextCursor
}, { title: 'OffersPage', description: 'A page of a user\'s offers, newest first' })
export type OffersPage = Static<typeof OffersPage>

export const OfferIdParams = Type.Object({ offer_id: Id })
export type OfferIdParams = Static<typeof OfferIdParams>

/** The same rules as creation; at least one of the two. */
export const PatchOfferBody = Type.Object({
  title: Type.Optional(CreateOfferBody.properties.title),
  text: Type.Optional(CreateOfferBody.properties.text)
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'title, text or both',
  examples: [{ title: 'Red bike, now cheaper' }]
})
export type PatchOfferBody = Static<typeof PatchOfferBody>
