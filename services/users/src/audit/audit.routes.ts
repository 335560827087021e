// GET /user/{user_id}/audit/: the caller's own audit trail (registered in a protected scope).
import { AuditPage, AuditPageQuery, UserIdParams } from '@app/contracts'
import { problems, type App } from '@app/service-kit'
import type { AuditService } from './audit.service.ts'

export async function auditRoutes (app: App, { audit }: { audit: AuditService }): Promise<void> {
  app.get('/user/:user_id/audit/', {
    schema: {
      tags: ['users'],
      operationId: 'getAuditTrail',
      summary: 'Your account\'s audit trail',
      description: 'Security events of the caller\'s own account, newest first: registration, logins (succeeded, ' +
        'failed with a reason, locked out), refresh-token reuse, password changes, logouts, ended sessions, ' +
        'deletion. Each with the client address, user agent and request id. `limit` 1 to 100; `next_cursor` ' +
        '(opaque) continues with older events, and is null on the last page.',
      params: UserIdParams,
      querystring: AuditPageQuery,
      response: { 200: AuditPage, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => reply.header('cache-control', 'no-store')
    .send(await audit.page(request.userId, request.params.user_id, request.query)))
}
