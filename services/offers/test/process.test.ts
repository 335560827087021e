// The real Offers process (server.ts) over HTTPS: configured from the environment, called by the client, logs,
// graceful stop.
import t from 'tap'
import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { createOffersClient } from '@app/offers-client'
import { createDb } from '@app/service-kit'
import {
  claims, createTestDatabase, httpsRequest, makeTestKeys, signToken, supervise, testTls, TS_NODE_ARGS
} from '@app/testing'

const db = await createTestDatabase(t)
const keys = makeTestKeys()
const tls = testTls('offers')
const dir = await mkdtemp(path.join(tmpdir(), 'offers-process-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))
const files = {
  cert: path.join(dir, 'offers.crt'),
  key: path.join(dir, 'offers.key'),
  jwks: path.join(dir, 'jwks.json')
}
await writeFile(files.cert, tls.cert)
await writeFile(files.key, tls.key, { mode: 0o600 })
await writeFile(files.jwks, JSON.stringify({ keys: keys.publicKeys }))

const child = spawn(process.execPath, [...TS_NODE_ARGS, fileURLToPath(new URL('../src/server.ts', import.meta.url))], {
  env: {
    PATH: process.env.PATH,
    APP_SETTINGS: 'testing',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: db.offersUrl,
    TLS_CERT_FILE: files.cert,
    TLS_KEY_FILE: files.key,
    JWT_PUBLIC_KEYS_FILE: files.jwks
  },
  stdio: ['ignore', 'pipe', 'inherit']
})
const server = supervise(child)
t.teardown(() => server.stop())

const logs: Array<Record<string, unknown>> = []
const logged = new EventEmitter()
const listening = new Promise<string>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`server.ts exited with ${code} before listening`)))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as Record<string, unknown>
    logs.push(entry)
    logged.emit('entry', entry)
    const at = /^Server listening at (https:\/\/127\.0\.0\.1:\d+)$/.exec(String(entry.msg))
    if (at) resolve(at[1]!)
  })
})
const baseUrl = await listening
const client = createOffersClient({ baseUrl, ca: tls.ca, timeoutMs: 5000 })
t.teardown(() => client.close())

/** Resolves with the first log line that matches, already written or still to come. */
function logLine (match: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const found = logs.find(match)
  if (found) return Promise.resolve(found)
  return new Promise((resolve) => {
    const listener = (entry: Record<string, unknown>) => {
      if (!match(entry)) return
      logged.off('entry', listener)
      resolve(entry)
    }
    logged.on('entry', listener)
  })
}

t.test('create over HTTPS with a token, then read it back through the client', async (t) => {
  const asUsers = createDb({ url: db.usersUrl, max: 1 })
  t.teardown(() => asUsers.destroy())
  const { rows } = await sql<{ id: number }>`
    insert into users.users (username, email, password_hash) values ('proc', 'proc@example.com', 'x')
    returning id`.execute(asUsers)
  const userId = rows[0]!.id
  const created = await httpsRequest(`${baseUrl}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${signToken(keys, claims({ userId }))}`, 'x-request-id': 'proc-create-1' },
    json: { user_id: userId, title: 'Bike', text: 'Red' }
  })
  t.equal(created.status, 201)
  t.equal(created.headers['x-request-id'], 'proc-create-1')
  const listed = await client.offersPage(userId, { limit: 20, requestId: 'proc-list-1' })
  t.same(listed, { items: [created.body], next_cursor: null })
  const ghost = 2 ** 40
  const refused = await httpsRequest(`${baseUrl}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${signToken(keys, claims({ userId: ghost }))}` },
    json: { user_id: ghost, title: 'Bike', text: 'Red' }
  })
  t.equal(refused.status, 404)
})

t.test('logs are JSON lines that carry the request id and never the token', async (t) => {
  const done = await logLine((l) => l.reqId === 'proc-list-1' && l.msg === 'request completed')
  t.match(done, { req: { method: 'GET', url: /^\/offers\/\?user_id=\d+&limit=20$/ }, res: { statusCode: 200 } })
  t.equal(logs.filter((l) => l.reqId === 'proc-list-1').length, 1, 'one line per request')
  t.notMatch(JSON.stringify(logs), /authorization|Bearer|eyJ/i)
})

t.test('SIGTERM closes the server with grace: exit code 0', async (t) => {
  await server.stop()
  t.equal(child.exitCode, 0)
  t.ok(logs.some((l) => l.msg === 'shutting down'))
})
