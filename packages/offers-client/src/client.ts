// The typed HTTPS client for Offers: one undici Pool per origin, one time budget per call, every answer checked
// against the contract.
import { Pool } from 'undici'
import { OfferList, type Offer } from '@app/contracts'
import { createAjv } from '@app/service-kit'
import { withBudget } from './budget.ts'
import { offerEdits, type OfferEdits } from './edits.ts'
import { OffersClientError, transportFailure } from './errors.ts'

export interface OffersClientOptions {
  /** e.g. https://localhost:3002 */
  baseUrl: string
  /** PEM of the CA that signed Offers' certificate */
  ca: string
  /** overall budget for one call, connect to last body byte */
  timeoutMs: number
  connections?: number
}

export interface OffersClient extends OfferEdits {
  /** POST /offer/ {user_id}: the user's offers, newest first */
  offersByUser: (userId: number, opts?: { requestId?: string }) => Promise<Offer[]>
  close: () => Promise<void>
}

// The services' Ajv setup rather than typebox/compile, whose ~300 more modules would be loaded for this one check.
const offerList = createAjv().compile<Offer[]>(OfferList)

/** Idle keep-alive sockets are dropped well before Offers' own keep-alive timeout (72 s in Fastify). */
const KEEP_ALIVE_MS = 10_000

export function createOffersClient (opts: OffersClientOptions): OffersClient {
  const base = new URL(opts.baseUrl)
  if (base.protocol !== 'https:') throw new Error(`The Offers URL must be https (got ${base.protocol})`)
  const path = `${base.pathname.replace(/\/$/, '')}/offer/`
  // The per-phase timeouts are backstops; the budget below is what bounds a call.
  const pool = new Pool(base.origin, {
    connections: opts.connections ?? 10,
    connect: { ca: opts.ca, timeout: opts.timeoutMs },
    connectTimeout: opts.timeoutMs,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS
  })

  async function post (body: unknown, requestId: string | undefined): Promise<unknown> {
    let text: string
    try {
      text = await withBudget(opts.timeoutMs, async (signal) => {
        const res = await pool.request({
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(requestId ? { 'x-request-id': requestId } : {})
          },
          body: JSON.stringify(body),
          signal
        })
        if (res.statusCode !== 200) {
          await res.body.dump()
          throw new OffersClientError('status', `Offers answered ${res.statusCode}`, res.statusCode)
        }
        return await res.body.text()
      })
    } catch (err) {
      throw transportFailure(err, opts.timeoutMs)
    }
    try {
      return JSON.parse(text)
    } catch (err) {
      throw new OffersClientError('invalid_body', 'Offers answered a body that is not JSON', 200, { cause: err })
    }
  }

  return {
    ...offerEdits(pool, base.pathname.replace(/\/$/, ''), opts.timeoutMs),
    async offersByUser (userId, { requestId } = {}) {
      const body = await post({ user_id: userId }, requestId)
      if (!offerList(body)) {
        const first = offerList.errors?.[0]
        throw new OffersClientError(
          'invalid_body',
          'Offers answered a body outside the contract' +
            (first ? `: ${first.instancePath || '/'} ${first.message}` : ''),
          200
        )
      }
      return body
    },
    close: () => pool.close()
  }
}
