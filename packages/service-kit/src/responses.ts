// Response schemas for the error statuses a route can answer: every one is the problem+json body.
import { Problem } from '@app/contracts'

/** `{ [status]: Problem }` for the given statuses, plus 500, which any route can answer. */
export function problems (...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries([...statuses, 500].map((s) => [s, Problem]))
}

/** A JSON body can also be malformed (400), too large (413) or of another media type (415). */
export const bodyProblems = [400, 413, 415] as const
