// The Offers service's domain errors, each with its stable code; the error handler makes them problem+json.
import { AppError } from '@app/service-kit'

export const errors = {
  notSelf: () => new AppError(403, 'FORBIDDEN', 'Offers can only be created for the authenticated user'),
  userNotFound: (userId: number) => new AppError(404, 'USER_NOT_FOUND', `No user with id ${userId}`),
  invalidCursor: () => new AppError(400, 'INVALID_CURSOR',
    'cursor is not a next_cursor this service gave out for this user_id'),
  notOwner: () => new AppError(403, 'NOT_OWNER', 'Only the owner of an offer may change or delete it'),
  offerNotFound: (offerId: number) => new AppError(404, 'OFFER_NOT_FOUND', `No offer with id ${offerId}`)
}
