// The benchmark's PostgreSQL: an embedded server in the run's temp dir, or a database of its own on BENCH_DATABASE_URL.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { sql } from 'kysely'
import { freePort, initCluster, runningPid, startCluster, stopCluster } from '@app/devstack'
import { adminDb, prepareDatabase, withDatabase } from '@app/migrator'
import type { Cleanup } from './cleanup.ts'

export interface BenchDatabase {
  /** superuser URL of the benchmark's database: seeding and re-seeding only */
  adminUrl: string
  /** each service's own role */
  urls: { users: string, offers: string }
  /** the embedded server's postmaster, whose children's CPU time the report counts */
  postmasterPid?: number
}

/** Production-like: durable commits (fsync on); only memory and WAL sizes raised for the 1 M row seed. */
const serverSettings = { shared_buffers: '256MB', max_wal_size: '4GB', max_connections: '100' }

async function embedded (cleanup: Cleanup, dataDir: string): Promise<string> {
  const password = randomBytes(18).toString('base64url')
  const port = await freePort()
  await initCluster({ dataDir, port, password })
  cleanup.defer('PostgreSQL', () => stopCluster(dataDir))
  await startCluster({ dataDir, port, password, settings: serverSettings })
  return `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
}

/** On a server of BENCH_DATABASE_URL, the roles are shared: USERS_DB_PASSWORD / OFFERS_DB_PASSWORD keep theirs. */
function rolePasswords (env: NodeJS.ProcessEnv) {
  const make = () => randomBytes(18).toString('base64url')
  return { users_svc: env.USERS_DB_PASSWORD || make(), offers_svc: env.OFFERS_DB_PASSWORD || make() }
}

export async function startDatabase (cleanup: Cleanup, workDir: string, externalUrl?: string): Promise<BenchDatabase> {
  const dataDir = path.join(workDir, 'pg')
  const serverUrl = externalUrl ?? await embedded(cleanup, dataDir)
  const database = externalUrl ? `bench_${randomBytes(4).toString('hex')}` : 'bench'
  if (externalUrl) {
    cleanup.defer(`database ${database}`, async () => {
      const db = adminDb(serverUrl, 1)
      try {
        await sql`drop database if exists ${sql.id(database)} with (force)`.execute(db)
      } finally {
        await db.destroy()
      }
    })
  }
  const urls = await prepareDatabase(serverUrl, database, rolePasswords(process.env))
  const postmasterPid = externalUrl ? undefined : await runningPid(dataDir)
  return { adminUrl: withDatabase(serverUrl, database), urls, ...(postmasterPid ? { postmasterPid } : {}) }
}
