// OpenAPI 3.1 generated from the route schemas, and a docs page whose assets are served locally.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export interface DocsOptions {
  title: string
  version: string
  description: string
  /** Where clients reach the service (PUBLIC_URL); unset, the document names its own origin (`/`). */
  publicUrl?: string | undefined
  tags: Array<{ name: string, description: string }>
}

// The repository grants no licence, so all rights are reserved: SPDX can name that only as a LicenseRef.
const license = { name: 'Proprietary, all rights reserved', identifier: 'LicenseRef-Proprietary' }

export const docsPlugin = fp<DocsOptions>(async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.title, version: opts.version, description: opts.description, license },
      servers: [{ url: opts.publicUrl ?? '/' }],
      tags: opts.tags,
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
      }
    },
    // Protected routes carry their requirement (protectedRoutes); every other operation says it needs none.
    transform: ({ schema, url }) => ({ schema: { ...schema, security: schema?.security ?? [] }, url })
  })
  // the page sends its own Content-Security-Policy (hashes of its inline parts, its assets from here only)
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { deepLinking: true, tryItOutEnabled: false, validatorUrl: null }
  })
}, { name: 'docs' })
