// Fault: clients that hold connections without finishing a request (raw TCP with no ClientHello, TLS with no request,
// slowloris headers), 20 of each on both services started with 1–2.5 s bounds: each closed within its bound, while
// other clients' requests through both services are answered 200 throughout.
import t from 'tap'
import { connectionDefaults, nodeServerOptions, type ConnectionBounds } from '@app/service-kit'
import {
  boundedLoad, createTestDatabase, describeClose, rawTcp, slowHeaders, tlsClient, trickle, type Closed,
  type HeldConnection, type ServiceProcess
} from '@app/testing'
import { ca, clientPool, expectStatus, offerCreate, seller, send, startStack } from './lib/stack.ts'
import { latency, latencyText, tally } from './lib/report.ts'

const EACH = 20
/** What a loaded machine may add to a bound: Node checks the header deadline on a timer, then the close itself. */
const SLACK_MS = 1_000
/**
 * The idle bound also ends a response that is silent for that long (Node's socket timeout does not pause while a
 * handler works): 2 s, so that a bystander's request slowed by a busy machine is not cut. The header bound runs from
 * the handshake for a first request, so it is the longer one here, or it would close the idle TLS connections first.
 */
const bounds: ConnectionBounds = {
  ...connectionDefaults,
  handshakeTimeoutMs: 1_000,
  idleTimeoutMs: 2_000,
  headersTimeoutMs: 2_500,
  requestTimeoutMs: 3_000,
  keepAliveTimeoutMs: 2_000
}
const env = {
  TLS_HANDSHAKE_TIMEOUT_MS: String(bounds.handshakeTimeoutMs),
  CONNECTION_IDLE_TIMEOUT_MS: String(bounds.idleTimeoutMs),
  HEADERS_TIMEOUT_MS: String(bounds.headersTimeoutMs),
  REQUEST_TIMEOUT_MS: String(bounds.requestTimeoutMs),
  KEEP_ALIVE_TIMEOUT_MS: String(bounds.keepAliveTimeoutMs)
}
/** Node checks the header deadline on a timer: a slowloris may be closed up to one interval after its bound. */
const headerCheckMs = nodeServerOptions(bounds).connectionsCheckingInterval

const { users, offers } = await startStack(t, await createTestDatabase(t), { users: env, offers: env })
const owner = await seller(users)
const offersPool = clientPool(t, offers, 2)
await expectStatus(201, send(offersPool, 'create', offerCreate(owner, 'held open')))

interface Kind {
  name: string
  bound: number
  /** how late the server may notice the bound ran out */
  checkMs: number
  open: (port: number) => HeldConnection
  /** what the client is told before the close */
  told: RegExp
}

const kinds: Kind[] = [
  {
    name: 'raw TCP, no ClientHello',
    bound: bounds.handshakeTimeoutMs,
    checkMs: 0,
    open: (port) => rawTcp(port),
    told: /^0 bytes$/
  },
  {
    name: 'TLS done, no request',
    bound: bounds.idleTimeoutMs,
    checkMs: 0,
    open: (port) => tlsClient(port, ca),
    told: /^0 bytes$/
  },
  {
    name: 'slowloris, a header byte every 100 ms',
    bound: bounds.headersTimeoutMs,
    checkMs: headerCheckMs,
    open: (port) => tlsClient(port, ca, (s) => trickle(s, slowHeaders(), 100)),
    told: /^HTTP\/1\.1 408/
  }
]

const summary: string[] = []

for (const service of [users, offers] as ServiceProcess[]) {
  const name = service === users ? 'Users' : 'Offers'
  t.test(`${name}: ${EACH} of each held open; each closed within its bound; other clients answered`, async (t) => {
    // the bystanders: profiles through Users (its database and Offers) and offer lists from Offers
    const usersPool = clientPool(t, users, 4)
    const bystanders = boundedLoad({ workers: 6, pauseMs: 50, maxRequests: 2_000, maxMs: 30_000 }, (worker) =>
      worker < 4
        ? send(usersPool, 'read', { path: `/user/${owner.id}/`, headers: owner.auth })
        : send(offersPool, 'list', { path: '/offer/', json: { user_id: owner.id } }))
    const held = kinds.map((kind) => Array.from({ length: EACH }, () => kind.open(service.port)))
    const closed: Closed[][] = await Promise.all(held.map((group) => Promise.all(group.map((c) => c.closed))))
    const served = await bystanders.stop()

    kinds.forEach((kind, i) => {
      const ms = closed[i]!.map((c) => c.ms).sort((a, b) => a - b)
      const told = [...new Set(closed[i]!.map(describeClose))].join(', ')
      const checked = kind.checkMs ? `, checked every ${kind.checkMs} ms` : ''
      const line = `${name}: ${EACH} × ${kind.name}: closed after ${ms[0]}–${ms.at(-1)} ms ` +
        `(bound ${kind.bound} ms${checked}), told ${told}`
      t.comment(line)
      summary.push(line)
      t.ok(ms.at(-1)! <= kind.bound + kind.checkMs + SLACK_MS,
        `${kind.name}: every one closed within its bound (+${kind.checkMs ? `${kind.checkMs} + ` : ''}${SLACK_MS} ms)`)
      // timers run on the event loop's cached clock, which may lag real time by a few ms when they are set
      t.ok(closed[i]!.every((c) => c.sinceOpenMs >= kind.bound - 50), `${kind.name}: by its own bound, not earlier`)
      t.ok(closed[i]!.every((c) => kind.told.test(describeClose(c))), `${kind.name}: told ${kind.told}`)
    })
    const line = `${name}: meanwhile ${served.length} requests of other clients: ${tally(served)}; ` +
      latencyText(latency(served))
    t.comment(line)
    summary.push(line)
    t.ok(served.length >= 50, 'the other clients kept asking')
    t.same(served.filter((s) => s.result.status !== 200).map((s) => s.result.status || s.result.error), [],
      'and were answered 200 every time')
  })
}

t.teardown(() => { for (const line of summary) console.log(`faults: ${line}`) })
