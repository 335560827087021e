// Reads the public verification keys (a JWKS file) into a kid → PEM map; a private part is refused.
import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'

export interface PublicJwk { kty: string, crv: string, x: string, kid: string, alg?: string, use?: string, d?: string }

export function parseJwks (text: string, source = 'JWKS'): PublicJwk[] {
  const parsed = JSON.parse(text) as { keys?: PublicJwk[] }
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error(`${source} has no keys`)
  for (const key of parsed.keys) {
    if ('d' in key) throw new Error(`${source} holds a private key part; publish public keys only`)
    if (!key.kid) throw new Error(`${source} has a key without kid`)
  }
  return parsed.keys.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg: alg ?? 'EdDSA', use: use ?? 'sig' }))
}

export function readJwksFile (file: string): PublicJwk[] {
  return parseJwks(readFileSync(file, 'utf8'), file)
}

export function jwksToPem (keys: PublicJwk[]): Map<string, string> {
  return new Map(keys.map((k) => [k.kid, createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()]))
}
