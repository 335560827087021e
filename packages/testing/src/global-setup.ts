// tap --before: one PostgreSQL for the run, bootstrapped and migrated once into a template database, and one Redis.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { ensureCertificates } from '@app/devstack'
import { adminDb, prepareDatabase } from '@app/migrator'
import { sql } from 'kysely'
import { startTestPostgres, stopTestPostgres } from './provider.ts'
import { startTestRedis, stopTestRedis } from './redis.ts'
import { certsDir, readState, stateDir, stateFile, TEMPLATE_DB, writeState } from './state.ts'

// A run killed outright (no --after) leaves its PostgreSQL and Redis behind; the state file still names them.
if (existsSync(stateFile)) {
  try {
    const stale = readState()
    await stopTestRedis(stale.redis)
    await stopTestPostgres(stale)
  } catch (err) {
    process.stderr.write(`test servers: could not stop what a previous run left (${(err as Error).message})\n`)
  }
}
await rm(stateDir, { recursive: true, force: true })
const started = await startTestPostgres()
let redis: Awaited<ReturnType<typeof startTestRedis>>
try {
  const redisDir = path.join(stateDir, 'redis')
  await mkdir(redisDir, { recursive: true })
  redis = await startTestRedis(redisDir)
  const passwords = { users_svc: randomBytes(12).toString('hex'), offers_svc: randomBytes(12).toString('hex') }
  await writeState({ ...started, passwords, ...(redis ? { redis } : {}) })
  const admin = adminDb(started.adminUrl)
  await sql`drop database if exists ${sql.id(TEMPLATE_DB)}`.execute(admin)
  await admin.destroy()
  await prepareDatabase(started.adminUrl, TEMPLATE_DB, passwords)
  await ensureCertificates(certsDir, ['users', 'offers'])
} catch (err) {
  // tap runs no --after when --before fails, so what was started here is stopped here.
  await stopTestRedis(redis)
  await stopTestPostgres(started)
  await rm(stateDir, { recursive: true, force: true })
  throw err
}
process.stdout.write(`test postgres: ${started.kind}, template ${TEMPLATE_DB} migrated; ` +
  `test redis: ${redis ? `${redis.url}${redis.container ? ' (container)' : ''}` : 'none'}\n`)
