// OpenTelemetry across the hop: Users and Offers as real processes exporting OTLP/JSON to a local receiver; one
// GET /user/{id}/ is one trace (Users' request, its statement, the call to Offers, Offers' request and statement),
// statements carry no values, and the request's log lines carry the ids of its span.
import t from 'tap'
import {
  createTestDatabase, httpsRequest, makeTestKeys, parseResponses, rawTls, startOtlpReceiver, startServiceProcess,
  testTls, writeKeyFiles, type ReceivedSpan, type ServiceProcess
} from '@app/testing'
import { expectStatus, httpsSession } from './helpers/https-session.ts'

const SERVER = 2
const CLIENT = 3

const db = await createTestDatabase(t)
const keys = makeTestKeys()
const files = await writeKeyFiles(keys)
const { ca } = testTls('users')
const receiver = await startOtlpReceiver()
t.teardown(() => receiver.close())

// JSON so that the receiver can read the spans; a short batch delay so that they arrive while the test waits
const otel = {
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '50'
}
const offers = await startServiceProcess(t, 'offers', {
  ...otel, DATABASE_URL: db.offersUrl, JWT_PUBLIC_KEYS_FILE: files.jwksFile
})
const users = await startServiceProcess(t, 'users', {
  ...otel,
  DATABASE_URL: db.usersUrl,
  JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  OFFERS_URL: offers.url
})

const call = (base: string, path: string, opts: Parameters<typeof httpsRequest>[1] = {}) =>
  httpsRequest(`${base}${path}`, { ca, ...opts })

const username = `trace_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
const password = 'a traced password'
const { id, auth } = await httpsSession(users.url, ca, username, password)
const offerTitle = `traced offer ${username}`
expectStatus(201, await call(offers.url, '/offer/create/', {
  headers: auth, json: { user_id: id, title: offerTitle, text: 'its text' }
}))

const REQUEST_ID = `trace-${username}`
const got = expectStatus(200,
  await call(users.url, `/user/${id}/`, { headers: { ...auth, 'x-request-id': REQUEST_ID } }))

const isPg = (span: ReceivedSpan) => span.attributes['db.system.name'] === 'postgresql' ||
  span.attributes['db.system'] === 'postgresql'
const statement = (span: ReceivedSpan) => span.attributes['db.query.text'] ?? span.attributes['db.statement']

/** Polls `find` until it returns something, for up to 15 s (each process exports in its own batches). */
async function waitFor<T> (find: () => T | undefined): Promise<T | undefined> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const found = find()
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return undefined
}

/** Waits until the trace of the GET holds both services' statements (each process exports in its own batches). */
async function traceOfTheGet (): Promise<ReceivedSpan[]> {
  const trace = await waitFor(() => {
    const root = receiver.spans.find((s) => s.service === 'users' && s.kind === SERVER &&
      s.attributes['url.path'] === `/user/${id}/`)
    const spans = root ? receiver.spans.filter((s) => s.traceId === root.traceId) : []
    const complete = spans.some((s) => s.service === 'offers' && isPg(s)) &&
      spans.some((s) => s.service === 'users' && isPg(s))
    return complete ? spans : undefined
  })
  if (!trace) throw new Error(`no complete trace of GET /user/${id}/ among ${JSON.stringify(receiver.spans, null, 1)}`)
  return trace
}

const trace = await traceOfTheGet()
const byId = new Map(trace.map((s) => [s.spanId, s]))
/** True when `ancestor` is on the path from `span` up to the root. */
function descends (span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) {
    if (at === ancestor) return true
  }
  return false
}
const only = (what: string, spans: ReceivedSpan[]) => {
  if (spans.length !== 1) throw new Error(`expected one ${what}, found ${spans.length}: ${JSON.stringify(trace)}`)
  return spans[0]!
}
const usersServer = only('Users server span', trace.filter((s) => s.service === 'users' && s.kind === SERVER))
const offersServer = only('Offers server span', trace.filter((s) => s.service === 'offers' && s.kind === SERVER))
const hop = only('Users → Offers client span', trace.filter((s) => s.service === 'users' && s.kind === CLIENT &&
  !isPg(s)))

t.test('one GET /user/{id}/ is one trace with spans from both services, parent links intact', async (t) => {
  t.equal(got.body && (got.body as { offers: unknown[] }).offers.length, 1, 'the user came with the offer')
  t.same(new Set(trace.map((s) => s.service)), new Set(['users', 'offers']), 'service.name of each process')
  t.equal(usersServer.parentSpanId, undefined, 'Users\' request span is the root')
  t.equal(usersServer.name, 'GET /user/:user_id/', 'named by method and route template')
  t.equal(usersServer.attributes['http.response.status_code'], 200)
  const usersPg = trace.filter((s) => s.service === 'users' && isPg(s))
  t.ok(usersPg.length > 0 && usersPg.every((s) => descends(s, usersServer)), 'Users\' statements under its request')
  t.ok(descends(hop, usersServer), 'the call to Offers is under Users\' request')
  t.equal(hop.attributes['http.request.method'], 'GET')
  t.match(String(hop.attributes['url.full']), /\/offers\/\?user_id=\d+&limit=\d+$/)
  t.equal(offersServer.parentSpanId, hop.spanId, 'traceparent: Offers\' request span is a child of the call')
  t.equal(offersServer.name, 'GET /offers/')
  t.equal(offersServer.attributes['url.path'], '/offers/', 'url.path is the path alone...')
  t.match(String(offersServer.attributes['url.query']), /^user_id=\d+&limit=\d+$/, '...the query string is url.query')
  t.equal(usersServer.attributes['url.query'], undefined, 'no query string, no url.query')
  const offersPg = trace.filter((s) => s.service === 'offers' && isPg(s))
  t.ok(offersPg.length > 0 && offersPg.every((s) => descends(s, offersServer)),
    'Offers\' statements under its request')
})

t.test('statements are recorded parameterised, never with their values', async (t) => {
  const statements = receiver.spans.filter(isPg).map(statement).filter((s) => s !== undefined)
  t.ok(statements.some((s) => /select .*\$1/is.test(String(s))), 'a statement with a placeholder')
  t.ok(statements.some((s) => /insert into/i.test(String(s))), 'the registration\'s insert is there too')
  // the registration, the login and the GET passed these to PostgreSQL as parameters
  const everything = JSON.stringify(receiver.spans)
  for (const value of [username, password, offerTitle]) t.notOk(everything.includes(value), `no span holds ${value}`)
  t.notOk(receiver.spans.some((s) => Object.keys(s.attributes).some((k) => /values|parameter/.test(k))),
    'no attribute of parameter values')
})

/** The JSON log lines of a process that belong to REQUEST_ID. */
const linesOf = (service: ServiceProcess) => service.output().split('\n')
  .filter((line) => line.includes(`"reqId":"${REQUEST_ID}"`))
  .map((line) => JSON.parse(line) as Record<string, unknown>)

t.test('the request\'s log lines carry the trace id and the id of their service\'s request span', async (t) => {
  t.ok(await users.waitForOutput(new RegExp(`"reqId":"${REQUEST_ID}"`)))
  t.ok(await offers.waitForOutput(new RegExp(`"reqId":"${REQUEST_ID}"`)))
  for (const [service, span] of [[users, usersServer], [offers, offersServer]] as const) {
    const lines = linesOf(service)
    t.ok(lines.length > 0)
    for (const line of lines) {
      t.match(line, { trace_id: usersServer.traceId, span_id: span.spanId, client: '127.0.0.1' }, String(line.msg))
    }
  }
})

t.test('a body that arrives after its headers: the handler still runs inside the request\'s span', async (t) => {
  // the body is read in the socket's callbacks, outside the request's context (tracing-sdk.ts enters it again)
  const late = `late_${username}`.slice(0, 30)
  const body = JSON.stringify({ username: late, email: `${late}@example.com`, password: 'a late password' })
  const { socket, received } = await rawTls(users.url, ca)
  socket.write('POST /user/registry/ HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`)
  await new Promise((resolve) => setTimeout(resolve, 100))
  socket.write(body)
  const [answer] = parseResponses(await received)
  t.equal(answer?.status, 201, JSON.stringify(answer?.body))
  const server = await waitFor(() => receiver.spans.find((s) => s.service === 'users' && s.kind === SERVER &&
    s.name === 'POST /user/registry/' && s.attributes['http.response.status_code'] === 201 &&
    receiver.spans.some((i) => i.parentSpanId === s.spanId && /insert into/i.test(String(statement(i))))))
  t.ok(server, 'the registration\'s insert is a child of its request span')
})

t.test('a malformed OTEL_* value stops the service, naming the variable', async (t) => {
  await t.rejects(startServiceProcess(t, 'offers', {
    DATABASE_URL: db.offersUrl, JWT_PUBLIC_KEYS_FILE: files.jwksFile, OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318'
  }), /offers: Invalid configuration:\n\s+- OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/)
})
