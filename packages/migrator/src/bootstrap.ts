// Idempotent database bootstrap: the database, one login role and one schema per service, and the grants.
import { sql, type Kysely } from 'kysely'
import { adminDb, withCredentials, withDatabase } from './db.ts'

export interface ServiceRole { role: string, password: string, schema: string }

export interface BootstrapOptions {
  /** a superuser (or CREATEROLE + CREATEDB) URL */
  adminUrl: string
  database: string
  users: ServiceRole
  offers: ServiceRole
}

async function ensureDatabase (adminUrl: string, database: string) {
  const db = adminDb(withDatabase(adminUrl, 'postgres'))
  try {
    const found = await db.selectFrom(sql<{ datname: string }>`pg_catalog.pg_database`.as('d'))
      .select('datname').where('datname', '=', database).executeTakeFirst()
    if (!found) await sql`create database ${sql.id(database)}`.execute(db)
  } finally {
    await db.destroy()
  }
}

async function ensureRole (db: Kysely<unknown>, { role, password }: ServiceRole) {
  const found = await db.selectFrom(sql<{ rolname: string }>`pg_catalog.pg_roles`.as('r'))
    .select('rolname').where('rolname', '=', role).executeTakeFirst()
  const verb = found ? sql`alter role` : sql`create role`
  await sql`${verb} ${sql.id(role)} with login nosuperuser nocreatedb nocreaterole password ${sql.lit(password)}`
    .execute(db)
}

async function ensureSchema (db: Kysely<unknown>, { role, schema }: ServiceRole) {
  await sql`create schema if not exists ${sql.id(schema)} authorization ${sql.id(role)}`.execute(db)
  await sql`alter schema ${sql.id(schema)} owner to ${sql.id(role)}`.execute(db)
}

/**
 * Roles, schemas and grants as the contract's "Storage" says. Safe to run any number of times;
 * run it again after the users migrations so that the offers role gets REFERENCES on users.users.
 */
export async function bootstrapDatabase (opts: BootstrapOptions): Promise<void> {
  await ensureDatabase(opts.adminUrl, opts.database)
  const db = adminDb(withDatabase(opts.adminUrl, opts.database))
  try {
    for (const svc of [opts.users, opts.offers]) await ensureRole(db, svc)
    for (const svc of [opts.users, opts.offers]) await ensureSchema(db, svc)
    await sql`revoke all on schema public from public`.execute(db)
    await sql`revoke create, temporary on database ${sql.id(opts.database)} from public`.execute(db)
    await sql`grant connect on database ${sql.id(opts.database)}
      to ${sql.id(opts.users.role)}, ${sql.id(opts.offers.role)}`.execute(db)
    await sql`grant usage on schema ${sql.id(opts.users.schema)} to ${sql.id(opts.offers.role)}`.execute(db)
    const table = `${opts.users.schema}.users`
    const { rows } = await sql<{ oid: string | null }>`select to_regclass(${table})::text as oid`.execute(db)
    if (rows[0]?.oid) {
      await sql`grant references on ${sql.table(table)} to ${sql.id(opts.offers.role)}`.execute(db)
    }
  } finally {
    await db.destroy()
  }
}

export function serviceUrl (adminUrl: string, database: string, svc: ServiceRole): string {
  return withCredentials(adminUrl, svc.role, svc.password, database)
}
