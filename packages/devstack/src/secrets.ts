// Development passwords: generated once and kept under .data/ (git-ignored), so restarts reuse them.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface DevSecrets { postgres: string, users_svc: string, offers_svc: string }

export async function devSecrets (file: string): Promise<DevSecrets> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DevSecrets
  const make = () => randomBytes(18).toString('base64url')
  const secrets = { postgres: make(), users_svc: make(), offers_svc: make() }
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 })
  return secrets
}
