// The real process (server.ts) behind a balancer: SIGTERM drains first (/ready 503, still serving, Connection:
// close), then exits 0; TRUST_PROXY decides the logged client; a bad TRUST_PROXY stops the boot, named.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  createTestDatabase, httpsRequest, makeTestKeys, startServiceProcess, testTls, writeKeyFiles
} from '@app/testing'

const db = await createTestDatabase(t)
const files = await writeKeyFiles(makeTestKeys())
const { ca } = testTls('offers')
const DRAIN_MS = 1500
const env = { DATABASE_URL: db.offersUrl, JWT_PUBLIC_KEYS_FILE: files.jwksFile }

t.test('a trusted proxy\'s X-Forwarded-For is the logged client; nobody else\'s is', async (t) => {
  const offers = await startServiceProcess(t, 'offers', { ...env, TRUST_PROXY: '127.0.0.1' })
  const forwarded = await httpsRequest(`${offers.url}/health`, {
    ca, headers: { 'x-forwarded-for': '198.51.100.23', 'x-request-id': 'via-proxy' }
  })
  t.equal(forwarded.status, 200)
  t.ok(await offers.waitForOutput(/"reqId":"via-proxy"[^\n]*"client":"198\.51\.100\.23"/),
    'the access line names the forwarded client')
  const untrusted = await startServiceProcess(t, 'offers', { ...env, TRUST_PROXY: '10.0.0.0/8' })
  await httpsRequest(`${untrusted.url}/health`, {
    ca, headers: { 'x-forwarded-for': '198.51.100.23', 'x-request-id': 'not-a-proxy' }
  })
  t.ok(await untrusted.waitForOutput(/"reqId":"not-a-proxy"[^\n]*"client":"127\.0\.0\.1"/),
    'from an untrusted address the header is ignored')
  t.notMatch(untrusted.output(), /198\.51\.100\.23/)
})

t.test('SIGTERM: not ready at once, still serving for SHUTDOWN_DRAIN_MS, then exit 0', async (t) => {
  const offers = await startServiceProcess(t, 'offers', { ...env, SHUTDOWN_DRAIN_MS: String(DRAIN_MS) })
  t.equal((await httpsRequest(`${offers.url}/ready`, { ca })).status, 200, 'ready before')
  const signalled = Date.now()
  offers.signal('SIGTERM')
  await offers.waitForOutput(/"msg":"shutting down"/)
  const ready = await httpsRequest(`${offers.url}/ready`, { ca })
  t.equal(ready.status, 503, '/ready: out of the balancer\'s rotation')
  t.match(ready.body, { code: 'SHUTTING_DOWN' })
  await sleep(DRAIN_MS / 2)
  const served = await httpsRequest(`${offers.url}/offer/`, { ca, json: { user_id: 1 } })
  t.equal(served.status, 200, `still serving ${Date.now() - signalled} ms after the signal`)
  t.equal(served.headers.connection, 'close', 'and telling the keep-alive client to reconnect')
  t.equal(await offers.exited, 0, 'exit code 0')
  const took = Date.now() - signalled
  t.ok(took >= DRAIN_MS, `exited ${took} ms after SIGTERM (drain ${DRAIN_MS} ms)`)
})

t.test('a bad TRUST_PROXY stops the boot, naming the variable', async (t) => {
  const refused = await startServiceProcess(t, 'offers', { ...env, TRUST_PROXY: '10.0.0.1, balancer' })
    .then(() => '', (err: Error) => err.message)
  t.match(refused, /exited with 1 before it listened/)
  t.match(refused, /TRUST_PROXY must list addresses or CIDR ranges, comma separated: invalid IP address: balancer/)
})
