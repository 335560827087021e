// POST /user/auth/ (login, rate-limited per address and per username), /user/auth/refresh/ and /user/auth/logout/.
import rateLimit from '@fastify/rate-limit'
import { LoginBody, RefreshBody, TokenPair } from '@app/contracts'
import { bodyProblems, problems, type App } from '@app/service-kit'
import { errors } from '../services/errors.ts'
import { NoContent, noContent, type RouteOptions } from './options.ts'

export interface AuthRouteOptions extends RouteOptions {
  /** LOGIN_MAX_PER_IP_PER_MINUTE */
  loginsPerIpPerMinute: number
}

export async function authRoutes (app: App, { services, loginsPerIpPerMinute }: AuthRouteOptions): Promise<void> {
  // In memory, per process: the address limit is a flood guard; the per-username failure limit is the one that protects accounts.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => errors.tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000)))
  })

  app.post('/user/auth/', {
    config: { rateLimit: { max: loginsPerIpPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Log in',
      description: 'Answers an access token (EdDSA JWT) and a refresh token that starts a new session. Unknown users and ' +
        'wrong passwords get the same 401. Limited per client address per minute, and per username on failed ' +
        'attempts; over a limit the answer is 429 with `Retry-After`.',
      body: LoginBody,
      response: { 200: TokenPair, ...problems(...bodyProblems, 401, 429) }
    }
  }, async (request) => services.sessions.login(request.body.username, request.body.password))

  app.post('/user/auth/refresh/', {
    schema: {
      tags: ['auth'],
      summary: 'Rotate a refresh token',
      description: 'Exchanges a live refresh token for a new pair; the old one is used up. Presenting a used token ' +
        'revokes its whole session. Expired, revoked, used or unknown tokens answer 401.',
      body: RefreshBody,
      response: { 200: TokenPair, ...problems(...bodyProblems, 401) }
    }
  }, async (request) => services.sessions.refresh(request.body.refresh_token))

  app.post('/user/auth/logout/', {
    schema: {
      tags: ['auth'],
      summary: 'Log out',
      description: 'Revokes the session (the token family) of a live refresh token. Answers 204 with no body.',
      body: RefreshBody,
      response: { 204: NoContent, ...problems(...bodyProblems, 401) }
    }
  }, async (request, reply) => {
    await services.sessions.logout(request.body.refresh_token)
    return noContent(reply)
  })
}
