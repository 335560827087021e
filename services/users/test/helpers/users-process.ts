// The Users service as its own process over real HTTPS on the file's database, and the steps tests repeat on it:
// register, log in, call with a token, a user agent and a request id of the test's choosing.
import {
  createTestDatabase, httpsRequest, makeTestKeys, startServiceProcess, testTls, writeKeyFiles,
  type HttpsOptions, type HttpsResponse, type ServiceProcess, type TestDatabase
} from '@app/testing'
import type { TokenPair } from '@app/contracts'
import type { Tap } from './app.ts'
import { uniqueName } from './users.ts'

export interface UsersOverHttps {
  process: ServiceProcess
  db: TestDatabase
  call: (path: string, opts?: HttpsOptions) => Promise<HttpsResponse>
  /** a new account (username, password, id), registered over HTTPS */
  register: (headers?: Record<string, string>) => Promise<{ id: number, username: string, password: string }>
  login: (username: string, password: string, headers?: Record<string, string>) => Promise<TokenPair>
}

export async function startUsersOverHttps (t: Tap, env: Record<string, string> = {}): Promise<UsersOverHttps> {
  const db = await createTestDatabase(t)
  const files = await writeKeyFiles(makeTestKeys())
  const process = await startServiceProcess(t, 'users', {
    DATABASE_URL: db.usersUrl,
    JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile,
    ...env
  })
  const { ca } = testTls('users')
  const call = (path: string, opts: HttpsOptions = {}) => httpsRequest(`${process.url}${path}`, { ca, ...opts })
  const expect = (status: number, what: string, res: HttpsResponse) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  return {
    process,
    db,
    call,
    async register (headers = {}) {
      const username = uniqueName('h')
      const password = `pw ${uniqueName('secret')}`
      const json = { username, password, email: `${username}@example.com` }
      const body = expect(201, 'register', await call('/user/registry/', { headers, json })) as { id: number }
      return { id: body.id, username, password }
    },
    async login (username, password, headers = {}) {
      return expect(200, 'login', await call('/user/auth/', { headers, json: { username, password } })) as TokenPair
    }
  }
}

/** The claims of a JWT, read without verifying it (the service did). */
export function claimsOf (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}
