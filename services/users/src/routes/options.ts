// What every route plugin of the Users service is given by app.ts, and the empty 204 answer.
import type { FastifyReply } from 'fastify'
import type { UsersServices } from '../services/index.ts'

export interface RouteOptions { services: UsersServices }

/** An empty 204 answer, as the OpenAPI document shows it. */
export const NoContent = { type: 'null', description: 'No content' } as const

/** 204 with no body at all: `send(null)` would put the text "null" on the wire. */
export function noContent (reply: FastifyReply): FastifyReply {
  return reply.code(204).send()
}
