// Verifies Users' access tokens: EdDSA only, key chosen by kid, iss/aud/exp checked; sets request.userId.
import fp from 'fastify-plugin'
import { createVerifier, type DecodedJwt } from 'fast-jwt'
import type { FastifyRequest } from 'fastify'
import { AppError } from './problem.ts'
import { jwksToPem, type PublicJwk } from './jwks.ts'

export interface AuthOptions {
  publicKeys: PublicJwk[]
  issuer: string
  audience: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for routes that need a valid Bearer access token */
    authenticate: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    userId: number
  }
}

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA'

function unauthorized (detail: string) {
  return new AppError(401, 'UNAUTHORIZED', detail, { 'www-authenticate': 'Bearer error="invalid_token"' })
}

export function createAccessTokenVerifier ({ publicKeys, issuer, audience }: AuthOptions) {
  const keys = jwksToPem(publicKeys)
  const verify = createVerifier({
    key: async (decoded: DecodedJwt) => {
      const key = keys.get(String(decoded.header.kid))
      if (!key) throw new Error('unknown kid')
      return key
    },
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    allowedIss: issuer,
    allowedAud: audience,
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'user_id'],
    cache: 10_000
  })
  return async (token: string): Promise<number> => {
    const payload = await verify(token) as { user_id?: unknown, sub?: unknown }
    const userId = payload.user_id
    if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId < 1 || payload.sub !== String(userId)) {
      throw new Error('malformed claims')
    }
    return userId
  }
}

export const authPlugin = fp<AuthOptions>(async (app, opts) => {
  const verify = createAccessTokenVerifier(opts)
  app.decorateRequest('userId', 0)
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization
    const match = header?.match(/^Bearer ([A-Za-z0-9_.-]+)$/)
    if (!match) throw unauthorized('A Bearer access token is required')
    try {
      request.userId = await verify(match[1]!)
    } catch {
      throw unauthorized('The access token is invalid or expired')
    }
  })
}, { name: 'auth' })
