// What every route plugin of the Users service is given by app.ts.
import type { UsersServices } from '../services/index.ts'

export interface RouteOptions { services: UsersServices }

/** An empty 204 answer, as the OpenAPI document shows it. */
export const NoContent = { type: 'null', description: 'No content' } as const
