// GET /users/: a page of users, ordered by id, with the exact total.
import { UsersPage, UsersPageQuery } from '@app/contracts'
import { problems, type App } from '@app/service-kit'
import type { RouteOptions } from './options.ts'

export async function usersRoutes (app: App, { services }: RouteOptions): Promise<void> {
  app.get('/users/', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['users'],
      summary: 'A page of users',
      description: 'Users ordered by id: `page_num` from 1, `page_size` 1 to 100. `total` is the exact number of users.',
      security: [{ bearerAuth: [] }],
      querystring: UsersPageQuery,
      response: { 200: UsersPage, ...problems(400, 401) }
    }
  }, async (request) => services.directory.page(request.query))
}
