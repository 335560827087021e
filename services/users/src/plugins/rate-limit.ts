// Per-address request limits (@fastify/rate-limit, in process memory): routes opt in with `config.rateLimit`;
// addresses are grouped as the login limits group them (IPv6 by /64).
import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { addressKey } from '../auth/client-address.ts'
import { errors } from '../errors.ts'

export const rateLimitPlugin = fp(async (app) => {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => addressKey(request.ip),
    errorResponseBuilder: (_request, context) => errors.tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000)))
  })
}, { name: 'rate-limit' })

/** A route's limit: `max` requests per address in `windowMs`. */
export const perAddress = (max: number, windowMs: number) => ({ rateLimit: { max, timeWindow: windowMs } })
