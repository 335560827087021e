// A Kysely handle for admin work (bootstrap, template databases), with the pool error listener set.
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export function adminDb (url: string, max = 2): Kysely<unknown> {
  const pool = new pg.Pool({ connectionString: url, max })
  pool.on('error', () => {})
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
}

/** The same server URL with other credentials and database. */
export function withCredentials (url: string, user: string, password: string, database?: string): string {
  const u = new URL(url)
  u.username = encodeURIComponent(user)
  u.password = encodeURIComponent(password)
  if (database) u.pathname = `/${database}`
  return u.toString()
}
