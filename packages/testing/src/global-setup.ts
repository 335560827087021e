// tap --before: one PostgreSQL for the run, bootstrapped and migrated once into a template database.
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { ensureCertificates } from '@app/devstack'
import { adminDb, prepareDatabase } from '@app/migrator'
import { sql } from 'kysely'
import { startTestPostgres } from './provider.ts'
import { certsDir, stateDir, TEMPLATE_DB, writeState } from './state.ts'

await rm(stateDir, { recursive: true, force: true })
const started = await startTestPostgres()
const passwords = { users_svc: randomBytes(12).toString('hex'), offers_svc: randomBytes(12).toString('hex') }
await writeState({ ...started, passwords })
const admin = adminDb(started.adminUrl)
await sql`drop database if exists ${sql.id(TEMPLATE_DB)}`.execute(admin)
await admin.destroy()
await prepareDatabase(started.adminUrl, TEMPLATE_DB, passwords)
await ensureCertificates(certsDir, ['users', 'offers'])
process.stdout.write(`test postgres: ${started.kind}, template ${TEMPLATE_DB} migrated\n`)
