// Bootstrap and migrate a database in the only order that works: roles/schemas, users, grants, offers.
import { createDb, migrateToLatest } from '@app/service-kit'
import { migrations as offersMigrations } from '@app/offers/migrations'
import { migrations as usersMigrations } from '@app/users/migrations'
import type { Migration } from 'kysely'
import { bootstrapDatabase, serviceUrl, type BootstrapOptions, type ServiceRole } from './bootstrap.ts'

export interface RolePasswords { users_svc: string, offers_svc: string }

export function bootstrapOptions (adminUrl: string, database: string, passwords: RolePasswords): BootstrapOptions {
  return {
    adminUrl,
    database,
    users: { role: 'users_svc', schema: 'users', password: passwords.users_svc },
    offers: { role: 'offers_svc', schema: 'offers', password: passwords.offers_svc }
  }
}

/** Runs one service's migrations connected as its own role; returns the names applied. */
async function migrateAs (url: string, role: ServiceRole, migrations: Record<string, Migration>): Promise<string[]> {
  const db = createDb({ url, max: 1 })
  try {
    return await migrateToLatest(db, migrations, role.schema)
  } finally {
    await db.destroy()
  }
}

/** Returns each service's own connection URL, and the migrations applied now (none on a rerun). */
export async function prepareDatabase (adminUrl: string, database: string, passwords: RolePasswords) {
  const opts = bootstrapOptions(adminUrl, database, passwords)
  const urls = {
    users: serviceUrl(adminUrl, database, opts.users),
    offers: serviceUrl(adminUrl, database, opts.offers)
  }
  await bootstrapDatabase(opts)
  const applied = await migrateAs(urls.users, opts.users, usersMigrations)
  // again, now that users.users exists: REFERENCES for the offers role
  await bootstrapDatabase(opts)
  applied.push(...await migrateAs(urls.offers, opts.offers, offersMigrations))
  return { ...urls, applied }
}
