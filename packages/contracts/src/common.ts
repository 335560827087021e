// Schemas both services use: ids, timestamps, the problem+json error body, health answers.
import { Type, type Static } from 'typebox'

/** Ids are bigint identity columns exposed as JSON integers, so they stop at 2^53 − 1. */
export const Id = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'A positive integer id',
  examples: [42]
})

export const Timestamp = Type.String({
  format: 'date-time',
  description: 'ISO 8601, UTC',
  examples: ['2026-11-22T10:00:00.000Z']
})

export const ValidationIssue = Type.Object({
  path: Type.String({ description: 'JSON pointer to the failing field, e.g. /title' }),
  message: Type.String()
})

export const Problem = Type.Object({
  type: Type.String({ description: 'A URI that identifies the problem type' }),
  title: Type.String(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.String(),
  code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable SCREAMING_SNAKE identifier' }),
  errors: Type.Optional(Type.Array(ValidationIssue))
}, {
  title: 'Problem',
  description: 'RFC 9457 problem details',
  examples: [{
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: 'body/title must NOT have fewer than 1 characters',
    code: 'VALIDATION_FAILED',
    errors: [{ path: '/title', message: 'must NOT have fewer than 1 characters' }]
  }]
})
export type Problem = Static<typeof Problem>

export const Health = Type.Object({ status: Type.Literal('ok') })
export const Ready = Type.Object({ status: Type.Literal('ready') })
