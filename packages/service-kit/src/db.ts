// A Kysely instance over a pg pool: int8 read as numbers, pool errors logged instead of crashing the process.
import { Kysely, PostgresDialect } from 'kysely'
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
  process.stderr.write(JSON.stringify({ level: 40, time: Date.now(), msg: 'idle database connection failed', err: { type: err.name, message: err.message, code: (err as { code?: string }).code } }) + '\n')
}

export function createDb<DB> ({ url, max = 10, onError = logPoolError }: DbOptions): Kysely<DB> {
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 })
  pool.on('error', onError)
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
}
