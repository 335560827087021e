// Makes the Ed25519 key pair that signs access tokens, and the JWKS file that verifiers read.
import { createPublicKey, generateKeyPairSync, createHash, type KeyObject } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { toPublicJwk, type PublicJwk } from '@app/service-kit'
import { jwtFiles } from './paths.ts'

/** RFC 7638 thumbprint of an OKP public key: a stable `kid`. */
export function thumbprint (key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' })
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })
  return createHash('sha256').update(canonical).digest('base64url')
}

export function publicJwk (key: KeyObject): PublicJwk {
  const pub = createPublicKey(key)
  return toPublicJwk({ ...pub.export({ format: 'jwk' }), kid: thumbprint(pub) })
}

/** Creates `signing.key` and `jwks.json` in jwtDir unless both exist. Returns true when it made them. */
export async function ensureJwtKeys (jwtDir: string): Promise<boolean> {
  const files = jwtFiles(jwtDir)
  if (existsSync(files.privateKey) && existsSync(files.jwks)) return false
  await mkdir(jwtDir, { recursive: true })
  const { privateKey } = generateKeyPairSync('ed25519')
  await writeFile(files.privateKey, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 })
  await writeFile(files.jwks, JSON.stringify({ keys: [publicJwk(privateKey)] }, null, 2) + '\n')
  return true
}
