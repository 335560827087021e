// Bootstrap and migrate a database in the only order that works: roles/schemas, users, grants, offers.
import { bootstrapDatabase, serviceUrl, type BootstrapOptions } from './bootstrap.ts'
import { runTs } from './node-process.ts'
import { offers, users } from './services.ts'

export interface RolePasswords { users_svc: string, offers_svc: string }

export function bootstrapOptions (adminUrl: string, database: string, passwords: RolePasswords): BootstrapOptions {
  return {
    adminUrl,
    database,
    users: { role: users.role, schema: users.schema, password: passwords.users_svc },
    offers: { role: offers.role, schema: offers.schema, password: passwords.offers_svc }
  }
}

/** Returns each service's own connection URL. */
export async function prepareDatabase (adminUrl: string, database: string, passwords: RolePasswords) {
  const opts = bootstrapOptions(adminUrl, database, passwords)
  const urls = { users: serviceUrl(adminUrl, database, opts.users), offers: serviceUrl(adminUrl, database, opts.offers) }
  await bootstrapDatabase(opts)
  await runTs(users.migrate, { DATABASE_URL: urls.users })
  await bootstrapDatabase(opts)
  await runTs(offers.migrate, { DATABASE_URL: urls.offers })
  return urls
}
