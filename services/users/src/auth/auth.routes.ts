// POST /user/auth/ (login, limited per address and per username), /user/auth/refresh/, /user/auth/logout/, and
// GET /.well-known/jwks.json.
import { Jwks, LoginBody, RefreshBody, TokenPair } from '@app/contracts'
import { bodyProblems, NoContent, noContent, problems, type App, type PublicJwk } from '@app/service-kit'
import type { FastifyReply } from 'fastify'
import { perAddress } from '../plugins/rate-limit.ts'
import type { UsersMetrics } from '../metrics.ts'
import type { AuthService } from './auth.service.ts'

/** Token answers are never stored by a cache (RFC 6749 §5.1); a refused one is not either. */
function noStore (reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

export interface AuthRoutesOptions {
  auth: AuthService
  /** LOGIN_MAX_PER_IP_PER_MINUTE */
  loginsPerIpPerMinute: number
  publicKeys: PublicJwk[]
  metrics: UsersMetrics
}

export async function authRoutes (
  app: App, { auth, loginsPerIpPerMinute, publicKeys, metrics }: AuthRoutesOptions
): Promise<void> {
  // The address limit is a flood guard; the failure limits (auth.service.ts) are the ones that protect accounts.
  app.post('/user/auth/', {
    config: perAddress(loginsPerIpPerMinute, 60_000),
    // every refusal passes here, the address limit's too (thrown before the handler runs)
    onError: async (_request, _reply, err) => metrics.loginRefused(err),
    schema: {
      tags: ['auth'],
      operationId: 'logIn',
      summary: 'Log in',
      description: 'Answers an access token (EdDSA JWT) and a refresh token that starts a new session. Unknown ' +
        'users and wrong passwords get the same 401. Limited per client address per minute, and per username on ' +
        'failed attempts; over a limit the answer is 429 with `Retry-After`.',
      body: LoginBody,
      response: { 200: TokenPair, ...problems(...bodyProblems, 401, 429, 503) }
    }
  }, async (request, reply) => {
    noStore(reply)
    try {
      const pair = await auth.login(request.body.username, request.body.password, request)
      metrics.login('ok')
      return pair
    } catch (err) {
      // brute force shows in the logs: who was tried, from where (the line carries the client address)
      request.log.info({ username: request.body.username, code: (err as { code?: string }).code }, 'login refused')
      throw err
    }
  })

  app.post('/user/auth/refresh/', {
    schema: {
      tags: ['auth'],
      operationId: 'refreshTokens',
      summary: 'Rotate a refresh token',
      description: 'Exchanges a live refresh token for a new pair; the old one is used up. Presenting a used token ' +
        'revokes its whole session. Expired, revoked, used or unknown tokens answer 401.',
      body: RefreshBody,
      response: { 200: TokenPair, ...problems(...bodyProblems, 401) }
    }
  }, async (request, reply) => {
    noStore(reply)
    return auth.refresh(request.body.refresh_token, request)
  })

  app.post('/user/auth/logout/', {
    schema: {
      tags: ['auth'],
      operationId: 'logOut',
      summary: 'Log out',
      description: 'Revokes the session (the token family) of a live refresh token. Answers 204 with no body.',
      body: RefreshBody,
      response: { 204: NoContent, ...problems(...bodyProblems, 401) }
    }
  }, async (request, reply) => {
    await auth.logout(request.body.refresh_token, request)
    return noContent(noStore(reply))
  })

  // parseJwks kept only the public members of each key: a private `d` can never be published by mistake.
  const jwks = { keys: publicKeys }
  app.get('/.well-known/jwks.json', {
    schema: {
      tags: ['auth'],
      operationId: 'getJwks',
      summary: 'Public signing keys',
      description: 'The JWKS of the public keys that verify access tokens; a token names its key by `kid`.',
      response: { 200: Jwks, ...problems() }
    }
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(jwks))
}
