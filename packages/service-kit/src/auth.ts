// Access tokens with @fastify/jwt: EdDSA only, the key chosen by `kid` from the published JWKS, iss/aud/exp
// checked; `app.authenticate` sets request.userId, and `protectedRoutes` puts a whole scope behind it.
import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { App } from './app.ts'
import { AppError } from './problems.ts'

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA'

export interface PublicJwk { kty: string, crv: string, x: string, kid: string, alg: string, use: string }

/**
 * The claims every access token carries (the contract's "Tokens"). `sid` names the session (refresh-token family)
 * the token was issued in; tokens issued before sessions had names lack it, so it is not required.
 */
export interface AccessClaims {
  user_id: number
  sub: string
  jti: string
  sid?: string
  iss?: string
  aud?: string
  iat?: number
}

export interface AuthOptions {
  publicKeys: PublicJwk[]
  issuer: string
  audience: string
  /** a token older than this (by its iat) is refused, whatever its exp says */
  maxAgeSeconds: number
  /** Users only: signs with this PKCS#8 PEM under `kid`, tokens living `ttlSeconds` */
  signer?: { privateKey: string, kid: string, ttlSeconds: number }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for routes that need a valid Bearer access token */
    authenticate: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    userId: number
    /** the token's `sid`: its session, when it names one */
    sessionId: string | undefined
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT { payload: AccessClaims, user: AccessClaims }
}

/** Only the public members of a key, named one by one: a private `d` can never be passed on by mistake. */
export function toPublicJwk (
  key: { kty?: string, crv?: string, x?: string, kid: string, alg?: string, use?: string }
): PublicJwk {
  const { kty = '', crv = '', x = '', kid, alg = ACCESS_TOKEN_ALGORITHM, use = 'sig' } = key
  return { kty, crv, x, kid, alg, use }
}

/** A JWKS document's public keys; a private part or a key without kid is refused. */
export function parseJwks (text: string, source = 'JWKS'): PublicJwk[] {
  const parsed = JSON.parse(text) as { keys?: Array<Partial<PublicJwk> & { d?: string }> }
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error(`${source} has no keys`)
  return parsed.keys.map(({ kid, ...key }) => {
    if ('d' in key) throw new Error(`${source} holds a private key part; publish public keys only`)
    if (!kid) throw new Error(`${source} has a key without kid`)
    return toPublicJwk({ ...key, kid })
  })
}

export function readJwksFile (file: string): PublicJwk[] {
  return parseJwks(readFileSync(file, 'utf8'), file)
}

function pemByKid (keys: PublicJwk[]): Map<string, string> {
  return new Map(keys.map((k) => {
    const key = createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x }, format: 'jwk' })
    return [k.kid, key.export({ type: 'spki', format: 'pem' }).toString()]
  }))
}

function unauthorized (detail: string) {
  return new AppError(401, 'UNAUTHORIZED', detail, { 'www-authenticate': 'Bearer error="invalid_token"' })
}

const BEARER = /^Bearer [A-Za-z0-9_.-]+$/

/** How far ahead of our clock a token's `iat` may be: the issuer's clock may run a little fast. */
const CLOCK_SKEW_SECONDS = 30

/**
 * The user a verified token speaks for: `user_id` a positive integer and `sub` the same, as a string, issued
 * no later than now (give or take the skew).
 */
function userIdOf ({ user_id: userId, sub, iat, sid }: AccessClaims): number {
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId < 1 || sub !== String(userId)) {
    throw new Error('malformed claims')
  }
  if (sid !== undefined && (typeof sid !== 'string' || sid.length > 64)) throw new Error('malformed sid')
  if (typeof iat !== 'number' || iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new Error('issued in the future')
  return userId
}

export const authPlugin = fp<AuthOptions>(async (app, { publicKeys, issuer, audience, maxAgeSeconds, signer }) => {
  const keys = pemByKid(publicKeys)
  await app.register(fastifyJwt, {
    secret: {
      ...(signer ? { private: signer.privateKey } : {}),
      public: async (_request: FastifyRequest, token: TokenOrHeader) => {
        const key = keys.get(String('header' in token ? token.header.kid : undefined))
        if (!key) throw new Error('unknown kid')
        return key
      }
    },
    decode: { complete: true },
    verify: {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      allowedIss: issuer,
      allowedAud: audience,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'user_id'],
      // seconds: @fastify/jwt turns a number into milliseconds for fast-jwt
      maxAge: maxAgeSeconds,
      cache: 10_000
    },
    ...(signer
      ? {
          sign: {
            algorithm: ACCESS_TOKEN_ALGORITHM,
            kid: signer.kid,
            iss: issuer,
            aud: audience,
            // seconds: @fastify/jwt turns a number into milliseconds for fast-jwt
            expiresIn: signer.ttlSeconds
          }
        }
      : {})
  })
  app.decorateRequest('userId', 0)
  app.decorateRequest('sessionId', undefined)
  app.decorate('authenticate', async (request: FastifyRequest) => {
    if (!BEARER.test(request.headers.authorization ?? '')) throw unauthorized('A Bearer access token is required')
    try {
      const claims = await request.jwtVerify<AccessClaims>()
      request.userId = userIdOf(claims)
      request.sessionId = claims.sid
    } catch {
      throw unauthorized('The access token is invalid or expired')
    }
  })
}, { name: 'auth' })

/**
 * Registers `routes` in a scope where every route needs a valid access token: the hook that checks it (before
 * the body is read) and the OpenAPI `security` are set here once, not on each route.
 */
export function protectedRoutes<Options> (routes: (app: App, opts: Options) => Promise<void>) {
  return async (app: App, opts: Options): Promise<void> => {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [{ bearerAuth: [] }] }
    })
    app.addHook('onRequest', app.authenticate)
    await routes(app, opts)
  }
}
