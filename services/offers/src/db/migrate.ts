// Migrates the offers schema to the latest version, connected as the offers role (DATABASE_URL).
import { migrateFromEnv } from '@app/service-kit'
import { migrations } from './migrations/index.ts'

await migrateFromEnv(migrations, 'offers')
