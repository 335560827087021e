// Access tokens (EdDSA JWTs under the signing key's kid) and opaque refresh tokens, kept only as SHA-256.
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import { ACCESS_TOKEN_ALGORITHM, type PublicJwk } from '@app/service-kit'

export interface AccessTokenOptions {
  /** PEM (PKCS#8) of the Ed25519 private key */
  signingKey: string
  publicKeys: PublicJwk[]
  issuer: string
  audience: string
  ttlSeconds: number
}

export interface AccessTokens {
  ttlSeconds: number
  sign: (userId: number) => string
}

/** The kid of the published key that matches the private key; no match means no verifier could check our tokens. */
export function signingKid (signingKey: string, publicKeys: PublicJwk[]): string {
  const key = createPrivateKey(signingKey)
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('JWT_PRIVATE_KEY_FILE must hold an Ed25519 key (tokens are EdDSA)')
  const { x } = createPublicKey(key).export({ format: 'jwk' })
  const match = publicKeys.find((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.x === x)
  if (!match) throw new Error('JWT_PRIVATE_KEY_FILE: its public key is not in JWT_PUBLIC_KEYS_FILE')
  return match.kid
}

export function createAccessTokens (opts: AccessTokenOptions): AccessTokens {
  const sign = createSigner({
    key: opts.signingKey,
    algorithm: ACCESS_TOKEN_ALGORITHM,
    kid: signingKid(opts.signingKey, opts.publicKeys),
    iss: opts.issuer,
    aud: opts.audience,
    expiresIn: opts.ttlSeconds * 1000
  })
  return {
    ttlSeconds: opts.ttlSeconds,
    sign: (userId) => sign({ user_id: userId, sub: String(userId), jti: randomUUID() })
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
