// The owner's calls: PATCH and DELETE /offer/{offer_id}/ with the caller's token. Offers' refusals (400, 401, 403,
// 404) come back as an OffersProblemError that carries the problem's `code`; the answer is read only up to a bound.
import type { Dispatcher, Pool } from 'undici'
import { Offer, type PatchOfferBody } from '@app/contracts'
import { createAjv } from '@app/service-kit'
import { withBudget } from './budget.ts'
import { OffersClientError, transportFailure } from './errors.ts'

export interface CallerOptions {
  /** the caller's access token: Offers checks that they own the offer */
  token: string
  requestId?: string
}

export interface OfferEdits {
  /** PATCH /offer/{offer_id}/: the changed offer */
  updateOffer: (offerId: number, changes: PatchOfferBody, opts: CallerOptions) => Promise<Offer>
  /** DELETE /offer/{offer_id}/: resolves once it is gone */
  deleteOffer: (offerId: number, opts: CallerOptions) => Promise<void>
}

/** Offers refused the call: `statusCode` and the problem's own `code` (NOT_OWNER, OFFER_NOT_FOUND, ...). */
export class OffersProblemError extends OffersClientError {
  constructor (statusCode: number, readonly code: string | undefined, detail: string | undefined) {
    super('status', `Offers answered ${statusCode}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`, statusCode)
    this.name = 'OffersProblemError'
  }
}

/** One offer is at most 10 200 characters of up to 4 bytes each, plus its JSON: far below this. */
export const ONE_OFFER_MAX_BYTES = 128 * 1024

const isOffer = createAjv().compile<Offer>(Offer)

async function boundedText (body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      body.destroy()
      throw new OffersClientError('invalid_body', `Offers answered more than ${limit} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parsed (text: string, statusCode: number): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new OffersClientError('invalid_body', 'Offers answered a body that is not JSON', statusCode, { cause: err })
  }
}

const stringOf = (value: unknown) => typeof value === 'string' ? value : undefined

/** The problem+json body's fields, or none when the body is something else. */
function problemOf (text: string): { code?: unknown, detail?: unknown } {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? value : {}
  } catch {
    return {}
  }
}

/** The refusal as an error; a 5xx or any status the contract does not list is a plain status failure. */
function refusal (statusCode: number, text: string): OffersClientError {
  if (statusCode < 400 || statusCode >= 500) {
    return new OffersClientError('status', `Offers answered ${statusCode}`, statusCode)
  }
  const { code, detail } = problemOf(text)
  return new OffersProblemError(statusCode, stringOf(code), stringOf(detail))
}

export function offerEdits (pool: Pool, basePath: string, timeoutMs: number): OfferEdits {
  async function call (
    method: 'PATCH' | 'DELETE', offerId: number, body: unknown, { token, requestId }: CallerOptions, ok: number
  ): Promise<string> {
    try {
      return await withBudget(timeoutMs, async (signal) => {
        const res = await pool.request({
          path: `${basePath}/offer/${encodeURIComponent(offerId)}/`,
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(requestId ? { 'x-request-id': requestId } : {})
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal
        })
        const text = await boundedText(res.body, ONE_OFFER_MAX_BYTES)
        if (res.statusCode !== ok) throw refusal(res.statusCode, text)
        return text
      })
    } catch (err) {
      throw transportFailure(err, timeoutMs, ONE_OFFER_MAX_BYTES)
    }
  }

  return {
    async updateOffer (offerId, changes, opts) {
      const offer = parsed(await call('PATCH', offerId, changes, opts, 200), 200)
      if (!isOffer(offer)) {
        const first = isOffer.errors?.[0]
        throw new OffersClientError('invalid_body', 'Offers answered a body outside the contract' +
          (first ? `: ${first.instancePath || '/'} ${first.message}` : ''), 200)
      }
      return offer
    },
    async deleteOffer (offerId, opts) {
      await call('DELETE', offerId, undefined, opts, 204)
    }
  }
}
