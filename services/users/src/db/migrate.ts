// Migrates the users schema to the latest version, connected as the users role (DATABASE_URL).
import { migrateFromEnv } from '@app/service-kit'
import { migrations } from './migrations/index.ts'

await migrateFromEnv(migrations, 'users')
