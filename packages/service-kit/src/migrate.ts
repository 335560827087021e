// Runs a service's frozen migrations with their bookkeeping table inside the service's own schema.
import { createDb } from './db.ts'
import { Migrator, type Kysely, type Migration } from 'kysely'

export async function migrateToLatest (db: Kysely<any>, migrations: Record<string, Migration>, schema: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) throw error
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Entry point of a service's migrate script: DATABASE_URL names the service's own role. */
export async function migrateFromEnv (migrations: Record<string, Migration>, schema: string): Promise<void> {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('DATABASE_URL is required')
  const db = createDb({ url, max: 1 })
  try {
    const applied = await migrateToLatest(db, migrations, schema)
    if (applied.length) process.stdout.write(`${schema}: applied ${applied.join(', ')}\n`)
  } finally {
    await db.destroy()
  }
}
