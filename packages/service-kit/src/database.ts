// PostgreSQL through Kysely: the pool (as a plugin that closes it; warm, and saying an outage once), migrations in
// the service's own schema, and what PostgreSQL's error codes mean to a service.
import fp from 'fastify-plugin'
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely'
import pg from 'pg'
import { isDatabaseUnavailable } from './database-errors.ts'
import { briefError, outageWatch, type OutageLog } from './outage.ts'

const INT8_OID = 20

/** Ids are bigint identity columns and counts are int8; both stay far below 2^53 here. */
const types = {
  getTypeParser (oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format as 'text')
  }
}

/** Where the pool reports: the app's logger, or JSON lines on stderr (the migrator, scripts). */
export type DbLog = OutageLog

const line = (level: number) => (details: object, msg: string) => {
  process.stderr.write(JSON.stringify({ level, time: Date.now(), msg, ...details }) + '\n')
}
const stderrLog: DbLog = { warn: line(40), info: line(30) }

export interface DbOptions {
  url: string
  max?: number
  /**
   * Connections kept open while idle, so a burst finds them ready instead of opening new ones (whose SCRAM
   * authentication would queue in libuv's thread pool behind password hashing): opened at start and again once
   * an outage ends, and never closed for idleness.
   */
  min?: number
  /** How long a query waits for a connection, pooled or new, before the pool gives up (a 503, never a 500). */
  connectionTimeoutMillis?: number
  log?: DbLog
}

/** A pool's connections now: open, idle, and queries waiting for one; read by the metrics (metrics.ts). */
export interface PoolCounts { total: number, idle: number, waiting: number, max: number }

const pools = new WeakMap<object, () => PoolCounts>()

/** The counts of the pool behind a Kysely made by createDb; undefined for any other. */
export function poolCounts (db: object): PoolCounts | undefined {
  return pools.get(db)?.()
}

export function createDb<DB> (
  { url, max = 10, min = 0, connectionTimeoutMillis = 5_000, log = stderrLog }: DbOptions
): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url, max, min, types, connectionTimeoutMillis, idleTimeoutMillis: 30_000
  })
  const watch = outageWatch(log, { down: 'database unavailable', up: 'database answers again' }, () => { void warm() })
  const failed = (err: Error) => {
    if (isDatabaseUnavailable(err)) watch.failed(err)
    else log.warn({ err: briefError(err) }, 'database connection failed')
  }
  // A connection that fails while checked out (in a transaction, between two statements) emits 'error' with no
  // listener of pg-pool's, which would end the process. So each connection has one listener for its whole life;
  // it hears only the first failure (a FATAL is followed by "Connection terminated unexpectedly").
  pool.on('connect', (client) => {
    let heard = false
    client.on('error', (err) => {
      if (!heard) failed(err)
      heard = true
    })
  })
  // pg-pool passes an idle connection's failure on to the pool too; the listener above has said it already
  pool.on('error', () => {})

  async function connect () {
    try {
      const client = await pool.connect()
      watch.answered()
      return client
    } catch (err) {
      if (isDatabaseUnavailable(err)) watch.failed(err as Error)
      throw err
    }
  }

  /**
   * Opens connections up to `min` when none is idle: at start, and after an outage emptied the pool. With none
   * idle each connect() opens a new connection rather than waiting for a pooled one.
   */
  async function warm () {
    if (pool.idleCount > 0 || pool.ending) return
    const opening = Array.from({ length: Math.max(0, min - pool.totalCount) }, () => connect())
    for (const opened of await Promise.allSettled(opening)) {
      if (opened.status === 'fulfilled') opened.value.release()
    }
  }
  if (min > 0) void warm()

  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect, end: () => pool.end() } }) })
  pools.set(db, () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }))
  return db
}

/** The tables `app.db` sees: each service adds its own (`declare module '@app/service-kit'`, `extends DB`). */
export interface ServiceTables {}

declare module 'fastify' {
  interface FastifyInstance { db: Kysely<ServiceTables> }
}

/** Opens the service's pool as `app.db` and closes it with the app. */
export const databasePlugin = fp<DbOptions>(async (app, opts) => {
  const db = createDb<ServiceTables>({ log: app.log, ...opts })
  app.decorate('db', db)
  app.addHook('onClose', async () => { await db.destroy() })
}, { name: 'database' })

/** Resolves when the database answers a query. */
export async function databaseAnswers (db: Kysely<ServiceTables>): Promise<void> {
  await sql`select 1`.execute(db)
}

export async function migrateToLatest (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema: string
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) throw error
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

const UNIQUE_VIOLATION = '23505'
const FOREIGN_KEY_VIOLATION = '23503'

/** What PostgreSQL said about a failed statement: its SQLSTATE and the constraint, never its text. */
function pgFailure (err: unknown): { code?: unknown, constraint?: unknown } {
  return typeof err === 'object' && err !== null ? err : {}
}

/** The unique constraint or index a statement violated, when that is why it failed. */
export function violatedUnique (err: unknown): string | undefined {
  const { code, constraint } = pgFailure(err)
  return code === UNIQUE_VIOLATION && typeof constraint === 'string' ? constraint : undefined
}

/** True when a statement failed on a foreign key (the row it points at does not exist, or no longer). */
export function violatedForeignKey (err: unknown): boolean {
  return pgFailure(err).code === FOREIGN_KEY_VIOLATION
}
