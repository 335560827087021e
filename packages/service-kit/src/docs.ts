// OpenAPI 3.1 generated from the route schemas, and a docs page whose assets are served locally.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export interface DocsOptions {
  title: string
  version: string
  description: string
  servers: string[]
  tags: Array<{ name: string, description: string }>
}

export const docsPlugin = fp<DocsOptions>(async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.title, version: opts.version, description: opts.description },
      servers: opts.servers.map((url) => ({ url })),
      tags: opts.tags,
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
      }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, tryItOutEnabled: false, validatorUrl: null } })
}, { name: 'docs' })
