// Setup steps over real HTTPS, for tests that run the services as processes: a user registered and logged in.
import { httpsRequest } from '@app/testing'

type Response = Awaited<ReturnType<typeof httpsRequest>>

/** Setup steps run before any test, so they throw rather than assert. */
export function expectStatus (status: number, res: Response): Response {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res
}

export interface HttpsSession {
  id: number
  tokens: { access_token: string, refresh_token: string }
  auth: { authorization: string }
}

/** Registers `username` with `password` on the Users service at `usersUrl` and logs in. */
export async function httpsSession (
  usersUrl: string, ca: string, username: string, password: string
): Promise<HttpsSession> {
  const registered = expectStatus(201, await httpsRequest(`${usersUrl}/user/registry/`, {
    ca, json: { username, password, email: `${username}@example.com` }
  }))
  const login = expectStatus(200, await httpsRequest(`${usersUrl}/user/auth/`, { ca, json: { username, password } }))
  const tokens = login.body as HttpsSession['tokens']
  const id = (registered.body as { id: number }).id
  return { id, tokens, auth: { authorization: `Bearer ${tokens.access_token}` } }
}
