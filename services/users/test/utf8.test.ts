// Finding: invalid UTF-8 was taken silently as U+FFFD, so the passwords "\ud800" and "\udfff" were the same password.
// Over real HTTPS, Users refuses such bodies with 400 problem+json (INVALID_UTF8 / LONE_SURROGATE) on its routes with
// a body, and registers no one.
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { httpsRequest, rawRequest, testTls } from '@app/testing'
import { setup, superuserDb } from './helpers/app.ts'
import { register, uniqueName } from './helpers/users.ts'

const tls = testTls('users')
const { app, db } = await setup(t, { config: { tls: { key: tls.key, cert: tls.cert } } })
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`
const admin = superuserDb(t, db)
const problemJson = 'application/problem+json; charset=utf-8'

/** POSTs these exact bytes as application/json. */
function post (path: string, body: Buffer) {
  const head = `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`
  return rawRequest(base, tls.ca, Buffer.concat([Buffer.from(head, 'latin1'), body]))
}

const usersNamed = async (username: string) =>
  (await admin.selectFrom('users.users').select('id').where('username', '=', username).execute()).length

t.test('a password with a lone surrogate is 400 LONE_SURROGATE and no user is registered', async (t) => {
  const username = uniqueName()
  for (const password of ['long enough \ud800', 'long enough \udfff']) {
    const res = await httpsRequest(`${base}/user/registry/`, {
      ca: tls.ca, json: { username, email: `${username}@example.com`, password }
    })
    t.equal(res.status, 400)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.body, { status: 400, code: 'LONE_SURROGATE', detail: /body\/password/ })
  }
  t.equal(await usersNamed(username), 0, 'nobody registered')
})

t.test('a body with bytes that are not UTF-8 is 400 INVALID_UTF8, at registration and at login', async (t) => {
  const username = uniqueName()
  const withFf = (prefix: string) =>
    Buffer.concat([Buffer.from(prefix), Buffer.from([0xff]), Buffer.from('"}')])
  const registry = await post('/user/registry/',
    withFf(`{"username":"${username}","email":"${username}@example.com","password":"long enough `))
  t.equal(registry.status, 400)
  t.equal(registry.headers['content-type'], problemJson)
  t.match(registry.body, { code: 'INVALID_UTF8' })
  t.equal(await usersNamed(username), 0, 'nobody registered')

  const user = await register(app)
  const login = await post('/user/auth/', withFf(`{"username":"${user.username}","password":"long enough `))
  t.match(login, { status: 400, body: { code: 'INVALID_UTF8' } }, 'refused as malformed, not as a wrong password')
})

t.test('a password with a well-formed astral character registers and logs in as sent', async (t) => {
  const username = uniqueName()
  const password = 'long enough 🔑'
  const res = await httpsRequest(`${base}/user/registry/`, {
    ca: tls.ca, json: { username, email: `${username}@example.com`, password }
  })
  t.equal(res.status, 201)
  const login = await httpsRequest(`${base}/user/auth/`, { ca: tls.ca, json: { username, password } })
  t.equal(login.status, 200)
})
