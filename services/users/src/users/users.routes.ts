// POST /user/registry/ (public); GET, PATCH, DELETE /user/{user_id}/ and GET /users/ (registered in a protected
// scope: a token is checked before anything else).
import {
  PatchUserBody, RegisterBody, RegisteredUser, User, UserIdParams, UsersPage, UsersPageQuery, UserWithOffers
} from '@app/contracts'
import { bodyProblems, idempotentPerAddress, NoContent, noContent, problems, type App } from '@app/service-kit'
import { perAddress } from '../plugins/rate-limit.ts'
import type { UsersService } from './users.service.ts'

export interface UsersRoutesOptions {
  users: UsersService
  /** REGISTER_MAX_PER_IP_PER_HOUR, PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR */
  limits: { registrationsPerHour: number, passwordChangesPerHour: number }
}

const HOUR_MS = 3_600_000

export async function registryRoutes (app: App, { users, limits }: UsersRoutesOptions): Promise<void> {
  app.post('/user/registry/', {
    // safe retries (Idempotency-Key), the key scoped to the client address
    config: { ...perAddress(limits.registrationsPerHour, HOUR_MS), ...idempotentPerAddress },
    schema: {
      tags: ['users'],
      operationId: 'registerUser',
      summary: 'Register a user',
      description: 'Creates an account. `username` and `email` are unique case-insensitively; the email is stored ' +
        'lower-cased and the username as spelt. `password` must be 8 to 72 bytes in UTF-8 and is kept only as a ' +
        'bcrypt hash. A retry with the same `Idempotency-Key` and body replays the first answer.',
      body: RegisterBody,
      response: { 201: RegisteredUser, ...problems(...bodyProblems, 409, 429, 503) }
    }
  }, async (request, reply) => reply.code(201).send(await users.register(request.body, request)))
}

export async function userRoutes (app: App, { users, limits }: UsersRoutesOptions): Promise<void> {
  app.get('/user/:user_id/', {
    schema: {
      tags: ['users'],
      operationId: 'getUser',
      summary: 'A user and their offers',
      description: 'The user, with `email` only when it is the caller, and their offers from the Offers service, ' +
        'newest first. If Offers does not answer within its time budget the answer is 503, never an empty list.',
      params: UserIdParams,
      response: { 200: UserWithOffers, ...problems(400, 401, 404, 503) }
    }
  }, async (request) => users.user(request.userId, request.params.user_id, request))

  app.patch('/user/:user_id/', {
    // only changes that carry a password count, so the limit is taken once the body is read
    config: {
      rateLimit: {
        ...perAddress(limits.passwordChangesPerHour, HOUR_MS).rateLimit,
        hook: 'preHandler',
        allowList: (request) => (request.body as { password?: unknown } | undefined)?.password === undefined
      }
    },
    schema: {
      tags: ['users'],
      operationId: 'updateUser',
      summary: 'Change your account',
      description: 'Changes username, email and/or password of the caller\'s own account. A new password needs ' +
        '`current_password` and ends every session of the user.',
      params: UserIdParams,
      body: PatchUserBody,
      response: { 200: User, ...problems(...bodyProblems, 401, 403, 404, 409, 429, 503) }
    }
  }, async (request) => users.update(request.userId, request.params.user_id, request.body, request))

  app.delete('/user/:user_id/', {
    schema: {
      tags: ['users'],
      operationId: 'deleteUser',
      summary: 'Delete your account',
      description: 'Deletes the caller\'s own account; its offers and refresh tokens go with it. Answers 204 with ' +
        'no body.',
      params: UserIdParams,
      response: { 204: NoContent, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await users.remove(request.userId, request.params.user_id, request)
    return noContent(reply)
  })

  app.get('/users/', {
    schema: {
      tags: ['users'],
      operationId: 'listUsers',
      summary: 'A page of users',
      description: 'Users ordered by id: `page_num` from 1, `page_size` 1 to 100. ' +
        '`total` is the exact number of users.',
      querystring: UsersPageQuery,
      response: { 200: UsersPage, ...problems(400, 401) }
    }
  }, async (request) => users.page(request.query))
}
