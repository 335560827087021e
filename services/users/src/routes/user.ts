// GET, PATCH and DELETE /user/{user_id}/: one user with their offers; changes and deletion by the user themself.
import { PatchUserBody, User, UserIdParams, UserWithOffers } from '@app/contracts'
import { bodyProblems, problems, type App } from '@app/service-kit'
import { NoContent, noContent, type RouteOptions } from './options.ts'

const security = [{ bearerAuth: [] }]

export async function userRoutes (app: App, { services }: RouteOptions): Promise<void> {
  app.get('/user/:user_id/', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['users'],
      summary: 'A user and their offers',
      description: 'The user, with `email` only when it is the caller, and their offers from the Offers service, newest ' +
        'first. If Offers does not answer within its time budget the answer is 503, never an empty list.',
      security,
      params: UserIdParams,
      response: { 200: UserWithOffers, ...problems(400, 401, 404, 503) }
    }
  }, async (request) => services.directory.user(request.userId, request.params.user_id, request))

  app.patch('/user/:user_id/', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['users'],
      summary: 'Change your account',
      description: 'Changes username, email and/or password of the caller\'s own account. A new password needs ' +
        '`current_password` and ends every session of the user.',
      security,
      params: UserIdParams,
      body: PatchUserBody,
      response: { 200: User, ...problems(...bodyProblems, 401, 403, 404, 409) }
    }
  }, async (request) => services.accounts.update(request.userId, request.params.user_id, request.body))

  app.delete('/user/:user_id/', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['users'],
      summary: 'Delete your account',
      description: 'Deletes the caller\'s own account; its offers and refresh tokens go with it. Answers 204 with no body.',
      security,
      params: UserIdParams,
      response: { 204: NoContent, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await services.accounts.remove(request.userId, request.params.user_id)
    return noContent(reply)
  })
}
