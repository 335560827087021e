// Builds the Offers app from a config: never reads the environment, never listens.
import {
  baseOptions, createServiceApp, idempotencyOptions, idempotencyPlugin, protectedRoutes, type App
} from '@app/service-kit'
import type { Kysely } from 'kysely'
import type { OffersConfig } from './config.ts'
import type { DB } from './db/types.ts'
import { offersPageRepository } from './offers/offers-page.repository.ts'
import { offersPageRoutes } from './offers/offers-page.routes.ts'
import { createOffersPages } from './offers/offers-page.service.ts'
import { offerEditsRepository } from './offers/offer-edits.repository.ts'
import { editOfferRoutes } from './offers/offer-edits.routes.ts'
import { createOfferEditsService } from './offers/offer-edits.service.ts'
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
      description: 'Create offers, find them by offer or by user a page at a time, and change or delete your own.',
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
  const pages = createOffersPages(offersPageRepository(app.db))
  await app.register(protectedRoutes(createOfferRoutes), { offers, offersIn, pages })
  await app.register(findOfferRoutes, { offers, offersIn, pages })
  await app.register(offersPageRoutes, { pages })
  const edits = createOfferEditsService(offerEditsRepository(app.db))
  await app.register(protectedRoutes(editOfferRoutes), { edits })
  return app
}
