// The real stack for the fault suite: Offers and Users from `pnpm build`'s bundle (plain node, the image's node
// arguments) over HTTPS on loopback, on a database the test chose, and a client that records every answer.
import { randomUUID } from 'node:crypto'
import { Pool } from 'undici'
import {
  freePort, makeTestKeys, startServiceProcess, testTls, writeKeyFiles, type ServiceProcess
} from '@app/testing'

export interface StackDatabase { usersUrl: string, offersUrl: string }

/** What a test may set on top of the defaults, per service (e.g. connection bounds). */
export interface StackEnv { users?: Record<string, string>, offers?: Record<string, string> }

/** The budget Users gives one call to Offers (OFFERS_TIMEOUT_MS, its default). */
export const OFFERS_TIMEOUT_MS = 2_000

export const { ca } = testTls('users')

/** What a test hands over for the processes and pools it starts to be ended afterwards. */
type Teardown = Parameters<typeof startServiceProcess>[0]

export async function startStack (t: Teardown, database: StackDatabase, env: StackEnv = {}) {
  const keys = makeTestKeys()
  const files = await writeKeyFiles(keys)
  // a fixed port, so that Offers started again after a kill is where Users looks for it
  const offersPort = await freePort()
  const startOffers = () => startServiceProcess(t, 'offers', {
    DATABASE_URL: database.offersUrl,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile,
    PORT: String(offersPort),
    ...env.offers
  }, { build: true })
  const offers = await startOffers()
  const startUsers = () => startServiceProcess(t, 'users', {
    DATABASE_URL: database.usersUrl,
    JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile,
    OFFERS_URL: offers.url,
    OFFERS_TIMEOUT_MS: String(OFFERS_TIMEOUT_MS),
    // the loads register hundreds of users from one address
    REGISTER_MAX_PER_IP_PER_HOUR: '1000000',
    LOGIN_MAX_PER_IP_PER_MINUTE: '1000000',
    ...env.users
  }, { build: true })
  const users = await startUsers()
  return { offers, users, startOffers, startUsers }
}

/** What one request came to: status 0 when no answer came at all (refused, reset), with the error's code. */
export interface Answer {
  op: string
  /** sent as x-request-id, which the services log each request under */
  id: string
  status: number
  /** the problem+json code, when there is one */
  code?: string
  /** connection-level failure (ECONNREFUSED, UND_ERR_SOCKET, …) */
  error?: string
  retryAfter?: string
  body?: unknown
  /** what identifies a write's row without its id (a username, an offer title), to find it afterwards */
  key?: string
}

export interface Call {
  method?: 'GET' | 'POST' | 'PATCH'
  path: string
  headers?: Record<string, string>
  json?: unknown
}

/** One keep-alive connection per loop, as a pooled client (a proxy, another service) holds them. */
export function clientPool (t: Teardown, service: ServiceProcess | string, connections: number): Pool {
  const origin = typeof service === 'string' ? service : service.url
  const pool = new Pool(origin, { connections, connect: { ca }, headersTimeout: 15_000, bodyTimeout: 15_000 })
  t.teardown(() => pool.destroy())
  return pool
}

export async function send (pool: Pool, op: string, call: Call, key?: string): Promise<Answer> {
  const id = `${op}-${randomUUID()}`
  const known = { op, id, ...(key === undefined ? {} : { key }) }
  const json = call.json === undefined ? {} : { 'content-type': 'application/json' }
  try {
    const res = await pool.request({
      method: call.method ?? (call.json === undefined ? 'GET' : 'POST'),
      path: call.path,
      headers: { 'x-request-id': id, ...json, ...call.headers },
      ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) })
    })
    const text = await res.body.text()
    const body: unknown = /json/.test(String(res.headers['content-type'])) && text !== '' ? JSON.parse(text) : text
    const code = (body as { code?: unknown } | null)?.code
    const retryAfter = res.headers['retry-after']
    return {
      ...known,
      status: res.statusCode,
      body,
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof retryAfter === 'string' ? { retryAfter } : {})
    }
  } catch (err) {
    const { code, name } = err as { code?: string, name?: string }
    return { ...known, status: 0, error: code ?? name ?? 'Error' }
  }
}

/** Setup steps run before any test, so they throw rather than assert. */
export async function expectStatus (status: number, answer: Promise<Answer>): Promise<Record<string, unknown>> {
  const res = await answer
  if (res.status !== status) {
    throw new Error(`${res.op}: expected ${status}, got ${res.status || res.error}: ${JSON.stringify(res.body)}`)
  }
  return res.body as Record<string, unknown>
}

let serial = 0
/** A username no other request of the run uses (3–32 of [A-Za-z0-9_.-]). */
export const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${(serial++).toString(36)}`

const PASSWORD = 'fault suite password'

/** POST /user/registry/ of a new user. */
export const registration = (username: string): Call =>
  ({ path: '/user/registry/', json: { username, password: PASSWORD, email: `${username}@example.com` } })

export interface Owner { id: number, auth: { authorization: string } }

/** POST /offer/create/ of one of the owner's offers. */
export const offerCreate = (owner: Owner, title: string): Call =>
  ({ path: '/offer/create/', headers: owner.auth, json: { user_id: owner.id, title, text: 'for sale' } })

/** A user registered and logged in: the owner of the offers the loads create and read. */
export async function seller (users: ServiceProcess): Promise<Owner> {
  const pool = new Pool(users.url, { connect: { ca } })
  try {
    const username = uniqueName('seller')
    const registered = await expectStatus(201, send(pool, 'register', registration(username)))
    const tokens = await expectStatus(200, send(pool, 'login', {
      path: '/user/auth/', json: { username, password: PASSWORD }
    }))
    return { id: registered.id as number, auth: { authorization: `Bearer ${String(tokens.access_token)}` } }
  } finally {
    await pool.destroy()
  }
}

/** Polls GET /health every 10 ms, each try bounded, until a 200: when the service answers again (Date.now()). */
export async function answersHealth (service: ServiceProcess, limitMs = 30_000): Promise<number> {
  const pool = new Pool(service.url, { connect: { ca, timeout: 500 }, headersTimeout: 500, bodyTimeout: 500 })
  try {
    for (const deadline = Date.now() + limitMs; Date.now() < deadline;) {
      const res = await send(pool, 'health', { path: '/health' })
      if (res.status === 200) return Date.now()
      await sleep(10)
    }
    throw new Error(`${service.url}/health did not answer 200 within ${limitMs} ms`)
  } finally {
    await pool.destroy()
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
