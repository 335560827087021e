// The typed HTTPS client Users calls Offers with.
export { OffersClientError, type OffersClientFailure } from './errors.ts'
export { createOffersClient, type OffersClient, type OffersClientOptions } from './client.ts'
export { OffersProblemError, ONE_OFFER_MAX_BYTES, type CallerOptions, type OfferEdits } from './edits.ts'
