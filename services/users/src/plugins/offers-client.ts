// The Offers client as `app.offers`: one undici pool over verified HTTPS, opened here and closed with the app.
import fp from 'fastify-plugin'
import { createOffersClient, type OffersClient, type OffersClientOptions } from '@app/offers-client'

declare module 'fastify' {
  interface FastifyInstance { offers: OffersClient }
}

export const offersClientPlugin = fp<OffersClientOptions>(async (app, opts) => {
  const client = createOffersClient(opts)
  app.decorate('offers', client)
  app.addHook('onClose', () => client.close())
}, { name: 'offers-client' })
