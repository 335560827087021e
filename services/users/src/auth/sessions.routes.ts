// GET /user/auth/sessions/, DELETE /user/auth/sessions/{session_id}/ and DELETE /user/auth/sessions/: the caller's
// own sessions (registered in a protected scope: the access token names the caller and their current session).
import { SessionIdParams, SessionList } from '@app/contracts'
import { NoContent, noContent, problems, type App } from '@app/service-kit'
import { MAX_SESSIONS_LISTED, type SessionsService } from './sessions.service.ts'

export async function sessionRoutes (app: App, { sessions }: { sessions: SessionsService }): Promise<void> {
  app.get('/user/auth/sessions/', {
    schema: {
      tags: ['auth'],
      operationId: 'listSessions',
      summary: 'Your sessions',
      description: 'The caller\'s live sessions (refresh-token families neither revoked nor expired), most recently ' +
        `used first, at most ${MAX_SESSIONS_LISTED}. \`current\` marks the one the access token was issued in ` +
        '(its `sid` claim). `ip` and `user_agent` are those of the session\'s last login or refresh.',
      response: { 200: SessionList, ...problems(401) }
    }
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await sessions.list(request)))

  app.delete('/user/auth/sessions/:session_id/', {
    schema: {
      tags: ['auth'],
      operationId: 'endSession',
      summary: 'End one of your sessions',
      description: 'Revokes the session\'s refresh tokens: it can no longer be refreshed. Access tokens already ' +
        'issued in it stay valid until they expire. 404 when the caller has no live session by this id.',
      params: SessionIdParams,
      response: { 204: NoContent, ...problems(400, 401, 404) }
    }
  }, async (request, reply) => {
    await sessions.end(request, request.params.session_id)
    return noContent(reply)
  })

  app.delete('/user/auth/sessions/', {
    schema: {
      tags: ['auth'],
      operationId: 'endOtherSessions',
      summary: 'End all your other sessions',
      description: 'Revokes every live session of the caller but the one the access token was issued in.',
      response: { 204: NoContent, ...problems(401) }
    }
  }, async (request, reply) => {
    await sessions.endOthers(request)
    return noContent(reply)
  })
}
