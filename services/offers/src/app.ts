// Builds the Offers app from a config: never reads the environment, never listens.
import {
  baseOptions, createServiceApp, idempotencyOptions, idempotencyPlugin, protectedRoutes, type App
} from '@app/service-kit'
import type { Kysely } from 'kysely'
import type { OffersConfig } from './config.ts'
import type { DB } from './db/types.ts'
import { offersRepository } from './offers/offers.repository.ts'
import { createOfferRoutes, findOfferRoutes } from './offers/offers.routes.ts'
import { createOffersService } from './offers/offers.service.ts'

// app.db sees this service's tables
declare module '@app/service-kit' {
  interface ServiceTables extends DB {}
}

export const version = '1.0.0'

export async function buildApp (config: OffersConfig): Promise<App> {
  const app = await createServiceApp({
    ...baseOptions(config),
    docs: {
      title: 'Offers service',
      version,
      description: 'Create offers and find them by offer or by user.',
      publicUrl: config.PUBLIC_URL,
      tags: [
        { name: 'offers', description: 'Classified offers' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    }
  })
  // before the routes: it wires the routes that opt in (offers.routes.ts)
  await app.register(idempotencyPlugin, idempotencyOptions(config, 'offers'))
  const offersIn = (db: Kysely<DB>) => createOffersService(offersRepository(db))
  const offers = offersIn(app.db)
  await app.register(protectedRoutes(createOfferRoutes), { offers, offersIn })
  await app.register(findOfferRoutes, { offers, offersIn })
  return app
}
