// Safe retries (the contract's Idempotency-Key, as Stripe does it): a route opts in with `config.idempotency`; the
// first answer for a key is stored in the service's own schema and replayed, a key in flight is 409, and expired
// keys are swept in batches.
import { createHash, createHmac, randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, onSendAsyncHookHandler } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { ServiceTables } from './database.ts'
import { isDatabaseUnavailable } from './database-errors.ts'
import {
  completeKey, findKey, idempotencyDb, releaseKey, reserveKey, sweepBatch, type Reservation
} from './idempotency-store.ts'
import { AppError, problemResponse } from './problems.ts'

export interface IdempotencyOptions {
  /** the service's own schema, which holds `idempotency_keys` */
  schema: string
  /** how long a stored answer is replayed (the contract: 24 hours) */
  ttlSeconds: number
  /** an in-flight key older than this is taken as abandoned by a process that died */
  lockTimeoutMs: number
  /** how often expired keys are swept; 0 sweeps only when asked (app.idempotency.sweep()) */
  sweepIntervalMs: number
  /** rows deleted per statement, so that no sweep holds many locks for long */
  sweepBatchSize: number
  /** when bodies carry secrets (a password): fingerprints are HMACs under this key, never plain hashes */
  fingerprintKey?: Buffer
}

/** A route's `config.idempotency`: who the caller is, so that keys of different callers never meet. */
export interface IdempotentRoute { scope: (request: FastifyRequest) => string }

interface Held extends Reservation { completed: boolean }

export interface Idempotency {
  /**
   * Runs `work` in one transaction and stores its result as the key's answer in that same transaction, so that no
   * crash can leave the work done without its record; without a key, just runs `work`. Call after `reply.code()`.
   */
  transaction: <T>(
    request: FastifyRequest, reply: FastifyReply, work: (db: Kysely<ServiceTables>) => Promise<T>
  ) => Promise<T>
  /** Deletes expired keys, a batch at a time, until none is left (or a bounded number of batches has run). */
  sweep: () => Promise<{ deleted: number, batches: number }>
}

declare module 'fastify' {
  interface FastifyContextConfig { idempotency?: IdempotentRoute }
  interface FastifyRequest { idempotency: Held | null }
  interface FastifyInstance { idempotency: Idempotency }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
/** 1–255 printable ASCII characters (draft-ietf-httpapi-idempotency-key-header leaves the syntax to us) */
const KEY = /^[\x20-\x7E]{1,255}$/
const MAX_BATCHES_PER_SWEEP = 1_000
/** Longer scopes are stored as their hash: a scope is part of a unique index, whose rows PostgreSQL caps at ~2.7 kB */
const MAX_SCOPE_LENGTH = 128

/** Scopes of the two kinds of caller: the token's user, the client address. */
export const idempotentPerUser: { idempotency: IdempotentRoute } = {
  idempotency: { scope: (request) => `user:${request.userId}` }
}
export const idempotentPerAddress: { idempotency: IdempotentRoute } = {
  idempotency: { scope: (request) => `ip:${request.ip}` }
}

const errors = {
  invalid: () => new AppError(400, 'IDEMPOTENCY_KEY_INVALID',
    'Idempotency-Key must be 1 to 255 printable ASCII characters'),
  reused: () => new AppError(422, 'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with a different request; use a new key for a new request'),
  inUse: () => new AppError(409, 'IDEMPOTENCY_KEY_IN_USE',
    'A request with this Idempotency-Key is still being processed; retry shortly', { 'retry-after': '1' })
}

/** JSON with object keys sorted at every level: the same body however its keys were ordered. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

function fingerprintOf (request: FastifyRequest, key: Buffer | undefined): Buffer {
  const text = `${request.method} ${request.routeOptions.url ?? ''}\n${canonical(request.body)}`
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest()
}

function asArray<T> (hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
}

const headerSchema = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(Type.String({
    description: 'Makes the request safe to retry (1–255 printable ASCII characters, e.g. a UUID): the same key with ' +
      'the same body within 24 hours replays the first answer, marked `Idempotent-Replayed: true`. Scoped to the ' +
      'caller.'
  }))
})

export const idempotencyPlugin = fp<IdempotencyOptions>(async (app, opts) => {
  const { schema, ttlSeconds, lockTimeoutMs, sweepBatchSize, fingerprintKey } = opts
  const keys = (db: Kysely<ServiceTables>) => idempotencyDb(db, schema)
  app.decorateRequest('idempotency', null)

  async function reserveOrAnswer (request: FastifyRequest, reply: FastifyReply, scope: string, key: string) {
    const fingerprint = fingerprintOf(request, fingerprintKey)
    // twice at most: a key that expired or was released between the two statements is free again
    for (let attempt = 0; attempt < 2; attempt++) {
      const lockId = randomUUID()
      const reserved = await reserveKey(keys(app.db), { scope, key, fingerprint, lockId, ttlSeconds }, lockTimeoutMs)
      if (reserved) {
        request.idempotency = { ...reserved, completed: false }
        return
      }
      const stored = await findKey(keys(app.db), scope, key)
      if (!stored) continue
      if (!stored.fingerprint.equals(fingerprint)) throw errors.reused()
      if (stored.status === 'in_flight' || stored.response_status === null) throw errors.inUse()
      request.log.info({ status: stored.response_status }, 'idempotent replay')
      return reply.code(stored.response_status)
        .header('idempotent-replayed', 'true')
        .type(stored.response_type ?? 'application/json; charset=utf-8')
        .send(stored.response_body)
    }
    throw errors.inUse()
  }

  const preHandler: preHandlerAsyncHookHandler = async function (request, reply) {
    const key = request.headers[IDEMPOTENCY_HEADER]
    const scope = request.routeOptions.config.idempotency?.scope(request)
    if (key === undefined || scope === undefined) return
    // two Idempotency-Key lines arrive joined ("a, b"): one key per request
    const lines = request.raw.headersDistinct[IDEMPOTENCY_HEADER]?.length ?? 1
    if (typeof key !== 'string' || !KEY.test(key) || lines > 1) throw errors.invalid()
    // a client address is whatever a trusted proxy forwarded, of any length
    const bounded = scope.length <= MAX_SCOPE_LENGTH
      ? scope
      : `sha256:${createHash('sha256').update(scope).digest('hex')}`
    return reserveOrAnswer(request, reply, bounded, key)
  }

  // An answer the route did not store in its own transaction is stored now: 2xx and 4xx are replayed as they were
  // (as Stripe does); after a 5xx the key is released so that a retry runs again.
  const onSend: onSendAsyncHookHandler<unknown> = async function (request, reply, payload) {
    const held = request.idempotency
    if (!held || held.completed) return payload
    held.completed = true
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : ''
    try {
      if (reply.statusCode >= 500 || (payload !== undefined && typeof payload !== 'string')) {
        await releaseKey(keys(app.db), held)
      } else {
        const type = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8')
        await completeKey(keys(app.db), held, { status: reply.statusCode, type, body })
      }
    } catch (err) {
      // the client still gets its answer; the key stays in flight until the lock timeout frees it
      request.log.warn({ err: isDatabaseUnavailable(err) ? undefined : err }, 'idempotency key not stored')
    }
    return payload
  }

  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotency) return
    route.schema = {
      ...route.schema,
      headers: headerSchema,
      response: { ...(route.schema?.response as object), 409: problemResponse, 422: problemResponse }
    }
    route.preHandler = [...asArray(route.preHandler), preHandler]
    route.onSend = [...asArray(route.onSend), onSend]
  })

  let sweeping: Promise<unknown> | undefined
  const idempotency: Idempotency = {
    async transaction (request, reply, work) {
      const held = request.idempotency
      if (!held) return work(app.db)
      const result = await app.db.transaction().execute(async (trx) => {
        const done = await work(trx)
        const body = String(reply.serialize(done))
        const answer = { status: reply.statusCode, type: 'application/json; charset=utf-8', body }
        // taken over as abandoned meanwhile: the other request's work stands, this one's is rolled back
        if (!await completeKey(keys(trx), held, answer)) throw errors.inUse()
        return done
      })
      // only once committed: a failed commit is a 5xx, and onSend releases the key
      held.completed = true
      return result
    },
    async sweep () {
      let deleted = 0
      let batches = 0
      for (let n = sweepBatchSize; n === sweepBatchSize && batches < MAX_BATCHES_PER_SWEEP; batches++) {
        n = await sweepBatch(keys(app.db), sweepBatchSize)
        deleted += n
      }
      return { deleted, batches }
    }
  }
  app.decorate('idempotency', idempotency)

  if (opts.sweepIntervalMs > 0) {
    const timer = setInterval(() => {
      sweeping ??= idempotency.sweep()
        .then(({ deleted }) => { if (deleted) app.log.info({ deleted }, 'expired idempotency keys swept') })
        .catch((err: unknown) => {
          if (!isDatabaseUnavailable(err)) app.log.warn({ err }, 'idempotency sweep failed')
        })
        .finally(() => { sweeping = undefined })
    }, opts.sweepIntervalMs)
    timer.unref()
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await sweeping
    })
  }
}, { name: 'idempotency', dependencies: ['database'] })

/** The plugin's options from a service's settings (config.ts's commonConfig). */
export function idempotencyOptions (
  config: {
    IDEMPOTENCY_LOCK_TIMEOUT_MS: number
    IDEMPOTENCY_SWEEP_INTERVAL_MS: number
    IDEMPOTENCY_SWEEP_BATCH_SIZE: number
  },
  schema: string,
  fingerprintKey?: Buffer
): IdempotencyOptions {
  return {
    schema,
    ttlSeconds: 24 * 3600,
    lockTimeoutMs: config.IDEMPOTENCY_LOCK_TIMEOUT_MS,
    sweepIntervalMs: config.IDEMPOTENCY_SWEEP_INTERVAL_MS,
    sweepBatchSize: config.IDEMPOTENCY_SWEEP_BATCH_SIZE,
    ...(fingerprintKey ? { fingerprintKey } : {})
  }
}
