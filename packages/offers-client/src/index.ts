// The typed HTTPS client Users calls Offers with.
export { OffersClientError, OffersResponseTooLarge, type OffersClientFailure } from './errors.ts'
export {
  createOffersClient, DEFAULT_MAX_BODY_BYTES, type OffersClient, type OffersClientOptions, type PageOptions
} from './client.ts'
export { outcomeOf, type OffersCallOutcome, type OnOffersOutcome } from './outcomes.ts'
export { OffersProblemError, ONE_OFFER_MAX_BYTES, type CallerOptions, type OfferEdits } from './edits.ts'
