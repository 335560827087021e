// POST /user/registry/: registration.
import { RegisterBody, RegisteredUser } from '@app/contracts'
import { bodyProblems, problems, type App } from '@app/service-kit'
import type { RouteOptions } from './options.ts'

export async function registryRoutes (app: App, { services }: RouteOptions): Promise<void> {
  app.post('/user/registry/', {
    schema: {
      tags: ['users'],
      summary: 'Register a user',
      description: 'Creates an account. `username` and `email` are unique case-insensitively; the email is stored ' +
        'lower-cased and the username as spelt. `password` must be 8 to 72 bytes in UTF-8 and is kept only as a bcrypt hash.',
      body: RegisterBody,
      response: { 201: RegisteredUser, ...problems(...bodyProblems, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await services.accounts.register(request.body)))
}
