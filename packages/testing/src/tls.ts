// The run's local CA and service certificates (made by the --before script), and an unrelated CA to be refused by.
import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { caFiles, certFiles, ensureCertificates } from '@app/devstack'
import { certsDir } from './state.ts'

export function testTls (service: 'users' | 'offers') {
  const files = testTlsFiles(service)
  return {
    cert: readFileSync(files.cert, 'utf8'),
    key: readFileSync(files.key, 'utf8'),
    ca: readFileSync(files.ca, 'utf8')
  }
}

/** The same material as file paths, for a service started as its own process. */
export function testTlsFiles (service: 'users' | 'offers') {
  return { ...certFiles(certsDir, service), ca: caFiles(certsDir).cert }
}

/** A CA that signed nothing of ours: a client trusting only it must refuse our servers. */
export async function foreignCa (): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'foreign-ca-'))
  await ensureCertificates(dir, [])
  return readFileSync(caFiles(dir).cert, 'utf8')
}
