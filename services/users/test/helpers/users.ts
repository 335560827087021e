// HTTP steps tests repeat: register a user with fresh names, log in, and the Bearer header of a session.
import { randomBytes } from 'node:crypto'
import type { RegisteredUser, TokenPair } from '@app/contracts'
import type { App } from '@app/service-kit'

let seq = 0

/** A username no other test (nor a parallel test file) has used: 3–32 of [A-Za-z0-9_.-]. */
export function uniqueName (prefix = 'u'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}${++seq}`
}

export interface Registered extends RegisteredUser { password: string }

export async function register (
  app: App, over: { username?: string, email?: string, password?: string } = {}
): Promise<Registered> {
  const username = over.username ?? uniqueName()
  const body = {
    username,
    email: over.email ?? `${username}@example.com`,
    password: over.password ?? 'correct horse battery'
  }
  const res = await app.inject({ method: 'POST', url: '/user/registry/', payload: body })
  if (res.statusCode !== 201) throw new Error(`register ${username}: ${res.statusCode} ${res.body}`)
  return { ...res.json<RegisteredUser>(), password: body.password }
}

export async function login (app: App, username: string, password: string): Promise<TokenPair> {
  const res = await app.inject({ method: 'POST', url: '/user/auth/', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`)
  return res.json<TokenPair>()
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export interface Session { user: Registered, tokens: TokenPair, auth: { authorization: string } }

/** A new user, logged in. */
export async function session (app: App, over: Parameters<typeof register>[1] = {}): Promise<Session> {
  const user = await register(app, over)
  const tokens = await login(app, user.username, user.password)
  return { user, tokens, auth: bearer(tokens.access_token) }
}
