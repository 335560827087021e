// tap --before: one PostgreSQL for the run, bootstrapped and migrated once into a template database.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { ensureCertificates } from '@app/devstack'
import { adminDb, prepareDatabase } from '@app/migrator'
import { sql } from 'kysely'
import { startTestPostgres, stopTestPostgres } from './provider.ts'
import { certsDir, readState, stateDir, stateFile, TEMPLATE_DB, writeState } from './state.ts'

// A run killed outright (no --after) leaves its PostgreSQL behind; the state file still names it.
if (existsSync(stateFile)) {
  try {
    await stopTestPostgres(readState())
  } catch (err) {
    process.stderr.write(`test postgres: could not stop the one a previous run left (${(err as Error).message})\n`)
  }
}
await rm(stateDir, { recursive: true, force: true })
const started = await startTestPostgres()
try {
  const passwords = { users_svc: randomBytes(12).toString('hex'), offers_svc: randomBytes(12).toString('hex') }
  await writeState({ ...started, passwords })
  const admin = adminDb(started.adminUrl)
  await sql`drop database if exists ${sql.id(TEMPLATE_DB)}`.execute(admin)
  await admin.destroy()
  await prepareDatabase(started.adminUrl, TEMPLATE_DB, passwords)
  await ensureCertificates(certsDir, ['users', 'offers'])
} catch (err) {
  // tap runs no --after when --before fails, so what was started here is stopped here.
  await stopTestPostgres(started)
  await rm(stateDir, { recursive: true, force: true })
  throw err
}
process.stdout.write(`test postgres: ${started.kind}, template ${TEMPLATE_DB} migrated\n`)
