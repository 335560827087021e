// Per-address request limits (@fastify/rate-limit): routes opt in with `config.rateLimit`; addresses are grouped as
// the login limits group them (IPv6 by /64). Counted in process memory, or in the shared store when there is one.
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { addressKey } from '../auth/client-address.ts'
import type { AddressCounter } from '../auth/redis-limit-store.ts'
import { errors } from '../errors.ts'

/**
 * The plugin's `store` over the shared counter, one key per route and address. Not its own `redis` option: its
 * RedisStore hands the client's errors on as they are (a 500) or, with skipOnError, lets every request through;
 * an outage here must be the 503 the login limits answer with.
 */
function sharedStore (counter: AddressCounter): FastifyRateLimitStoreCtor {
  return class SharedStore implements FastifyRateLimitStore {
    constructor (_options: unknown, private readonly route = '') {}

    incr (key: string, callback: Parameters<FastifyRateLimitStore['incr']>[1], timeWindow?: number): void {
      if (timeWindow === undefined) throw new Error('@fastify/rate-limit passed no time window')
      counter.hit(`${this.route}${key}`, timeWindow).then((result) => callback(null, result), callback)
    }

    // called with the route's merged limit options, whose routeInfo is the route (not the route, as typed)
    child (options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = options as unknown as { routeInfo: { method: string | string[], url: string } }
      const { method, url } = route.routeInfo
      return new SharedStore(undefined, `${String(method)}:${url}:`)
    }
  }
}

export const rateLimitPlugin = fp(async (app) => {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => addressKey(request.ip),
    errorResponseBuilder: (_request, context) => errors.tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
    ...(app.addressCounter ? { store: sharedStore(app.addressCounter) } : {})
  })
}, { name: 'rate-limit', dependencies: ['attempt-store'] })

/** A route's limit: `max` requests per address in `windowMs`. */
export const perAddress = (max: number, windowMs: number) => ({ rateLimit: { max, timeWindow: windowMs } })
