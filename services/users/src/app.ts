// Builds the Users app from a config: never reads the environment, never listens.
import { sql } from 'kysely'
import { authPlugin, createDb, createServiceApp, type App } from '@app/service-kit'
import type { UsersConfig } from './config.ts'
import type { DB } from './db/types.ts'

export const version = '1.0.0'

export async function buildApp (config: UsersConfig): Promise<App> {
  const db = createDb<DB>({ url: config.DATABASE_URL, max: config.DB_POOL_MAX })
  const app = await createServiceApp({
    logLevel: config.LOG_LEVEL,
    ...(config.tls ? { tls: config.tls } : {}),
    ready: async () => { await sql`select 1`.execute(db) },
    docs: {
      title: 'Users service',
      version,
      description: 'Registration, login with rotating refresh tokens, and users with their offers.',
      servers: [config.PUBLIC_URL ?? `https://localhost:${config.PORT}`],
      tags: [
        { name: 'users', description: 'Accounts' },
        { name: 'auth', description: 'Tokens' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    }
  })
  app.addHook('onClose', async () => { await db.destroy() })
  await app.register(authPlugin, { publicKeys: config.publicKeys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  return app
}
