// Response schemas for the error statuses a route can answer: every one is the problem+json body.
import { Problem } from '@app/contracts'

/** The problem+json response: documented under its own media type, serialized with its schema. */
export const problemResponse = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: Problem } }
}

/** `{ [status]: problem+json }` for the given statuses, plus 500, which any route can answer. */
export function problems (...statuses: number[]): Record<number, typeof problemResponse> {
  return Object.fromEntries([...statuses, 500].map((s) => [s, problemResponse]))
}

/** A JSON body can also be malformed (400), too large (413) or of another media type (415). */
export const bodyProblems = [400, 413, 415] as const
