// PostgreSQL through Kysely: the pool (as a plugin that closes it), migrations in the service's own schema, and
// what PostgreSQL's error codes mean to a service.
import fp from 'fastify-plugin'
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely'
import pg from 'pg'

const INT8_OID = 20

/** Ids are bigint identity columns and counts are int8; both stay far below 2^53 here. */
const types = {
  getTypeParser (oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format as 'text')
  }
}

export interface DbOptions {
  url: string
  max?: number
  onError?: (err: Error) => void
}

/** An idle pooled connection that fails (a database restart) is replaced by the pool; say so, as a JSON log line. */
function logPoolError (err: Error) {
  const { name: type, message, code } = err as Error & { code?: string }
  const line = { level: 40, time: Date.now(), msg: 'idle database connection failed', err: { type, message, code } }
  process.stderr.write(JSON.stringify(line) + '\n')
}

export function createDb<DB> ({ url, max = 10, onError = logPoolError }: DbOptions): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url, max, types, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000
  })
  pool.on('error', onError)
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
}

/** The tables `app.db` sees: each service adds its own (`declare module '@app/service-kit'`, `extends DB`). */
export interface ServiceTables {}

declare module 'fastify' {
  interface FastifyInstance { db: Kysely<ServiceTables> }
}

/** Opens the service's pool as `app.db` and closes it with the app. */
export const databasePlugin = fp<DbOptions>(async (app, opts) => {
  const db = createDb<ServiceTables>(opts)
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
