// Builds the Offers app from a config: never reads the environment, never listens.
import { sql } from 'kysely'
import { authPlugin, createDb, createServiceApp, type App } from '@app/service-kit'
import type { OffersConfig } from './config.ts'
import type { DB } from './db/types.ts'
import { offerRoutes } from './routes/offers.ts'
import { offersService } from './services/offers.ts'

export const version = '1.0.0'

export async function buildApp (config: OffersConfig): Promise<App> {
  const db = createDb<DB>({ url: config.DATABASE_URL, max: config.DB_POOL_MAX })
  const app = await createServiceApp({
    logLevel: config.LOG_LEVEL,
    ...(config.tls ? { tls: config.tls } : {}),
    ready: async () => { await sql`select 1`.execute(db) },
    docs: {
      title: 'Offers service',
      version,
      description: 'Create offers and find them by offer or by user.',
      servers: [config.PUBLIC_URL ?? `https://localhost:${config.PORT}`],
      tags: [{ name: 'offers', description: 'Classified offers' }, { name: 'health', description: 'Liveness and readiness' }]
    }
  })
  app.addHook('onClose', async () => { await db.destroy() })
  await app.register(authPlugin, { publicKeys: config.publicKeys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(offerRoutes, { offers: offersService(db) })
  return app
}
