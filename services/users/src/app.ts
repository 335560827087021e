// Builds the Users app from a config: never reads the environment, never listens.
import { sql } from 'kysely'
import { authPlugin, createDb, createServiceApp, type App } from '@app/service-kit'
import { createOffersClient, type OffersClient } from '@app/offers-client'
import type { UsersConfig } from './config.ts'
import type { DB } from './db/types.ts'
import { authRoutes } from './routes/auth.ts'
import { jwksRoutes } from './routes/jwks.ts'
import { registryRoutes } from './routes/registry.ts'
import { userRoutes } from './routes/user.ts'
import { usersRoutes } from './routes/users.ts'
import { memoryAttemptStore } from './services/attempt-store.ts'
import { createServices } from './services/index.ts'

export const version = '1.0.0'

/** What a test may hand in instead of what the config describes. */
export interface Overrides { offers?: OffersClient }

export async function buildApp (config: UsersConfig, overrides: Overrides = {}): Promise<App> {
  if (config.RATE_LIMIT_REDIS_URL) {
    throw new Error('RATE_LIMIT_REDIS_URL: a shared rate-limit store is not built yet; leave it unset (limits are kept per process)')
  }
  const db = createDb<DB>({ url: config.DATABASE_URL, max: config.DB_POOL_MAX })
  const offers = overrides.offers ?? createOffersClient({ baseUrl: config.OFFERS_URL, ca: config.offersCa, timeoutMs: config.OFFERS_TIMEOUT_MS })
  const attempts = memoryAttemptStore()
  const closeAll = async () => { await Promise.all([db.destroy(), offers.close(), attempts.close()]) }
  // built first: a signing key that matches no published key stops the boot here, with nothing left open
  const services = await createServices(config, { db, offers, attempts }).catch(async (err: unknown) => {
    await closeAll()
    throw err
  })
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
  app.addHook('onClose', closeAll)
  await app.register(authPlugin, { publicKeys: config.publicKeys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(registryRoutes, { services })
  await app.register(authRoutes, { services, loginsPerIpPerMinute: config.LOGIN_MAX_PER_IP_PER_MINUTE })
  await app.register(userRoutes, { services })
  await app.register(usersRoutes, { services })
  await app.register(jwksRoutes, { publicKeys: config.publicKeys })
  return app
}
