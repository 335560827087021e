// The typed HTTPS client for Offers: one undici Pool per origin, one time budget per call, every answer checked
// against the contract.
import { Pool } from 'undici'
import { OffersPage } from '@app/contracts'
import { createAjv } from '@app/service-kit'
import { withBudget } from './budget.ts'
import { offerEdits, type OfferEdits } from './edits.ts'
import { OffersClientError, transportFailure } from './errors.ts'
import { observed, type OnOffersOutcome } from './outcomes.ts'

export interface OffersClientOptions {
  /** e.g. https://localhost:3002 */
  baseUrl: string
  /** PEM of the CA that signed Offers' certificate */
  ca: string
  /** overall budget for one call, connect to last body byte */
  timeoutMs: number
  connections?: number
  /** the largest response body read, in bytes; a longer one fails as OffersResponseTooLarge (default 8 MiB) */
  maxBodyBytes?: number
  /** told how each call ended and how long it took (the Users service's metrics) */
  onOutcome?: OnOffersOutcome
}

export interface PageOptions {
  /** 1–100 offers */
  limit: number
  /** next_cursor of the previous page */
  cursor?: string
  requestId?: string
}

export interface OffersClient extends OfferEdits {
  /** GET /offers/: a page of the user's offers, newest first, and the cursor of the next page (null on the last) */
  offersPage: (userId: number, opts: PageOptions) => Promise<OffersPage>
  close: () => Promise<void>
}

// The services' Ajv setup rather than typebox/compile, whose ~300 more modules would be loaded for this one check.
const offersPage = createAjv().compile<OffersPage>(OffersPage)

/** Idle keep-alive sockets are dropped well before Offers' own keep-alive timeout (72 s in Fastify). */
const KEEP_ALIVE_MS = 10_000

/**
 * 100 offers of 200 + 10 000 characters, each of which JSON may spell in up to 6 bytes (\u001f), are ~6.1 MB:
 * any page the contract allows fits, and nothing larger is ever buffered.
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

export function createOffersClient (opts: OffersClientOptions): OffersClient {
  const client = offersClient(opts)
  return { ...client, offersPage: observed(client.offersPage, opts.onOutcome) }
}

function offersClient (opts: OffersClientOptions): OffersClient {
  const base = new URL(opts.baseUrl)
  if (base.protocol !== 'https:') throw new Error(`The Offers URL must be https (got ${base.protocol})`)
  const root = base.pathname.replace(/\/$/, '')
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  // The per-phase timeouts are backstops; the budget below is what bounds a call.
  const pool = new Pool(base.origin, {
    connections: opts.connections ?? 10,
    connect: { ca: opts.ca, timeout: opts.timeoutMs },
    connectTimeout: opts.timeoutMs,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // undici counts the body as it arrives and drops the connection past the cap (UND_ERR_RES_EXCEEDED_MAX_SIZE)
    maxResponseSize: maxBodyBytes
  })

  async function get (path: string, requestId: string | undefined): Promise<unknown> {
    let text: string
    try {
      text = await withBudget(opts.timeoutMs, async (signal) => {
        const res = await pool.request({
          path,
          method: 'GET',
          headers: {
            accept: 'application/json',
            ...(requestId ? { 'x-request-id': requestId } : {})
          },
          signal
        })
        if (res.statusCode !== 200) {
          await res.body.dump()
          throw new OffersClientError('status', `Offers answered ${res.statusCode}`, res.statusCode)
        }
        return await res.body.text()
      })
    } catch (err) {
      throw transportFailure(err, opts.timeoutMs, maxBodyBytes)
    }
    try {
      return JSON.parse(text)
    } catch (err) {
      throw new OffersClientError('invalid_body', 'Offers answered a body that is not JSON', 200, { cause: err })
    }
  }

  return {
    ...offerEdits(pool, root, opts.timeoutMs),
    async offersPage (userId, { limit, cursor, requestId }) {
      const query = new URLSearchParams({ user_id: String(userId), limit: String(limit) })
      if (cursor !== undefined) query.set('cursor', cursor)
      const body = await get(`${root}/offers/?${query.toString()}`, requestId)
      if (!offersPage(body)) {
        const first = offersPage.errors?.[0]
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
