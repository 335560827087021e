// GET /.well-known/jwks.json: the public keys access tokens are verified with (several while keys rotate).
import { Jwks } from '@app/contracts'
import { problems, type App, type PublicJwk } from '@app/service-kit'

export async function jwksRoutes (app: App, { publicKeys }: { publicKeys: PublicJwk[] }): Promise<void> {
  // Only the public members, named one by one: a private `d` can never be published by mistake.
  const body = { keys: publicKeys.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg: alg ?? 'EdDSA', use: use ?? 'sig' })) }
  app.get('/.well-known/jwks.json', {
    schema: {
      tags: ['auth'],
      summary: 'Public signing keys',
      description: 'The JWKS of the public keys that verify access tokens; a token names its key by `kid`.',
      response: { 200: Jwks, ...problems() }
    }
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(body))
}
