// Runs a service's frozen migrations with their bookkeeping table inside the service's own schema.
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
