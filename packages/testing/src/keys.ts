// Signing keys for tests, and tokens that are forged on purpose (alg none, HMAC with the public key, tampered).
import { createHmac, createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { publicJwk } from '@app/devstack'

export interface TestKeys {
  signingKey: string
  kid: string
  privateKey: KeyObject
  publicKeys: ReturnType<typeof publicJwk>[]
}

export function makeTestKeys (): TestKeys {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = publicJwk(privateKey)
  return {
    signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    kid: jwk.kid,
    privateKey,
    publicKeys: [jwk]
  }
}

/** The keys as the files a service process reads: JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEYS_FILE. */
export async function writeKeyFiles (keys: TestKeys): Promise<{ privateKeyFile: string, jwksFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'test-jwt-'))
  const files = { privateKeyFile: path.join(dir, 'signing.key'), jwksFile: path.join(dir, 'jwks.json') }
  await writeFile(files.privateKeyFile, keys.signingKey, { mode: 0o600 })
  await writeFile(files.jwksFile, JSON.stringify({ keys: keys.publicKeys }))
  return files
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export interface ClaimOptions {
  userId: number
  issuer?: string
  audience?: string
  ttlSeconds?: number
  extra?: Record<string, unknown>
}

export function claims (
  { userId, issuer = 'users-service', audience = 'classifieds', ttlSeconds = 900, extra = {} }: ClaimOptions
) {
  const iat = Math.floor(Date.now() / 1000)
  return {
    user_id: userId,
    sub: String(userId),
    iss: issuer,
    aud: audience,
    iat,
    exp: iat + ttlSeconds,
    jti: randomUUID(),
    ...extra
  }
}

/** A correctly signed EdDSA token; pass odd claims to build expired or wrong-audience ones. */
export function signToken (
  keys: Pick<TestKeys, 'kid' | 'signingKey'>, payload: Record<string, unknown>, kid = keys.kid
): string {
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64(payload)}`
  const signature = sign(null, Buffer.from(input), createPrivateKey(keys.signingKey)).toString('base64url')
  return `${input}.${signature}`
}

export const forge = {
  algNone: (payload: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
  /** HS256 keyed with the public key's PEM: the classic key-confusion attack */
  hmacWithPublicKey: (publicPem: string, payload: Record<string, unknown>, kid: string) => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(payload)}`
    return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`
  },
  tampered: (token: string, payload: Record<string, unknown>) => {
    const [header, , signature] = token.split('.')
    return `${header}.${b64(payload)}.${signature}`
  }
}
