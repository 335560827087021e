// How each call to Offers ended, by name, for whoever counts them (the Users service's metrics): the client itself
// knows nothing of metrics.
import { OffersClientError } from './errors.ts'

export type OffersCallOutcome = 'ok' | 'timeout' | 'connect_error' | 'bad_status' | 'invalid_body' | 'too_large'

/** Told once per call, when it settles: the outcome and how long the call took, in seconds. */
export type OnOffersOutcome = (outcome: OffersCallOutcome, seconds: number) => void

const byFailure = {
  timeout: 'timeout',
  transport: 'connect_error',
  status: 'bad_status',
  invalid_body: 'invalid_body',
  too_large: 'too_large'
} as const

export function outcomeOf (err: unknown): OffersCallOutcome {
  return err instanceof OffersClientError ? byFailure[err.failure] : 'connect_error'
}

/** `call` timed and told to `onOutcome`; as it is when there is no one to tell. */
export function observed<A extends unknown[], R> (
  call: (...args: A) => Promise<R>, onOutcome: OnOffersOutcome | undefined
): (...args: A) => Promise<R> {
  if (!onOutcome) return call
  return async (...args) => {
    const started = performance.now()
    try {
      const result = await call(...args)
      onOutcome('ok', (performance.now() - started) / 1000)
      return result
    } catch (err) {
      onOutcome(outcomeOf(err), (performance.now() - started) / 1000)
      throw err
    }
  }
}
