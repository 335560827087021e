// Access tokens (EdDSA JWTs signed through @fastify/jwt under the signing key's kid) and opaque refresh tokens,
// kept only as SHA-256.
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID } from 'node:crypto'
import type { AccessClaims, PublicJwk } from '@app/service-kit'

export interface AccessTokens {
  ttlSeconds: number
  /** `sessionId` becomes the `sid` claim: the refresh-token family the token was issued in */
  sign: (userId: number, sessionId: string) => string
}

/** The kid of the published key that matches the private key; no match means no verifier could check our tokens. */
export function signingKid (signingKey: string, publicKeys: PublicJwk[]): string {
  const key = createPrivateKey(signingKey)
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error('JWT_PRIVATE_KEY_FILE must hold an Ed25519 key (tokens are EdDSA)')
  }
  const { x } = createPublicKey(key).export({ format: 'jwk' })
  const match = publicKeys.find((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.x === x)
  if (!match) throw new Error('JWT_PRIVATE_KEY_FILE: its public key is not in JWT_PUBLIC_KEYS_FILE')
  return match.kid
}

/** `jwt` signs with the algorithm, kid, issuer, audience and lifetime the auth plugin was given. */
export function accessTokens (jwt: { sign: (claims: AccessClaims) => string }, ttlSeconds: number): AccessTokens {
  return {
    ttlSeconds,
    sign: (userId, sessionId) => jwt.sign({ user_id: userId, sub: String(userId), jti: randomUUID(), sid: sessionId })
  }
}

export function hashRefreshToken (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

/** 256 random bits, base64url; only the hash is stored. */
export function newRefreshToken (): { token: string, hash: Buffer } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}
