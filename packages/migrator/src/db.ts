// Admin connections and service URLs: the same server reached with other credentials or another database.
import { createDb } from '@app/service-kit'
import type { Kysely } from 'kysely'

/** A small pool for admin work (bootstrap, template databases); pool errors are logged by createDb. */
export function adminDb (url: string, max = 2): Kysely<unknown> {
  return createDb<unknown>({ url, max })
}

/** The same server URL with another database. */
export function withDatabase (url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** The same server URL with other credentials and, optionally, another database. */
export function withCredentials (url: string, user: string, password: string, database?: string): string {
  const u = new URL(database ? withDatabase(url, database) : url)
  u.username = encodeURIComponent(user)
  u.password = encodeURIComponent(password)
  return u.toString()
}
