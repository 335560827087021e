// Where the development stack keeps its generated files, relative to the repository root.
import { fileURLToPath } from 'node:url'
import path from 'node:path'

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

export const paths = {
  data: path.join(repoRoot, '.data'),
  pgData: path.join(repoRoot, '.data', 'pg'),
  secrets: path.join(repoRoot, '.data', 'secrets.json'),
  certs: path.join(repoRoot, 'certs'),
  jwt: path.join(repoRoot, 'certs', 'jwt')
}

export function certFiles (certsDir: string, service: string) {
  return {
    cert: path.join(certsDir, `${service}.crt`),
    key: path.join(certsDir, `${service}.key`)
  }
}

export function caFiles (certsDir: string) {
  return { cert: path.join(certsDir, 'ca.crt'), key: path.join(certsDir, 'ca.key') }
}

export function jwtFiles (jwtDir: string) {
  return { privateKey: path.join(jwtDir, 'signing.key'), jwks: path.join(jwtDir, 'jwks.json') }
}
