// The typed HTTPS client Users calls Offers with.
export { OffersClientError, type OffersClientFailure } from './errors.ts'
export { createOffersClient, type OffersClient, type OffersClientOptions } from './client.ts'
export { outcomeOf, type OffersCallOutcome, type OnOffersOutcome } from './outcomes.ts'
