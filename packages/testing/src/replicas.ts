// Replicas behind a real balancer, for `pnpm test:replicas`: N Users and N Offers processes from the production
// build (plain node, the image's node arguments), HAProxy in front (devstack's haproxy.ts) with Users reaching
// Offers through it too, and optionally a redis-server for the shared limit store.
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'
import {
  BALANCER_SOURCE_ADDRESS, caFiles, certFiles, ensureCertificates, freePort, imageNodeArgs, offers, repoRoot,
  serverName, spawnNode, startHaproxy, startRedisServer, supervise, users, type Haproxy, type RedisServer,
  type ServiceSpec, type Supervised
} from '@app/devstack'
import { makeTestKeys, writeKeyFiles } from './keys.ts'
import type { TestDatabase } from './database.ts'

type Service = 'users' | 'offers'

/** The address HAProxy connects to the services from: the one address their TRUST_PROXY lists. */
export const BALANCER_ADDRESS = BALANCER_SOURCE_ADDRESS

/** Every replica's SHUTDOWN_DRAIN_MS. */
export const DRAIN_MS = 2_000

export interface Replica {
  service: Service
  /** HAProxy's name of it, e.g. users1 */
  name: string
  port: number
  pid: () => number | undefined
  running: () => boolean
  /** everything every run of it wrote (JSON log lines), across restarts */
  output: () => string
  /** spawns it and resolves once its own /ready answers 200; rejects, with its output, if it exits first */
  start: () => Promise<void>
  /** sends the signal and resolves with the exit code (null when the signal ended it) once it has exited */
  stop: (signal: 'SIGTERM' | 'SIGKILL') => Promise<number | null>
}

export interface ReplicaCluster {
  users: Replica[]
  offers: Replica[]
  balancer: Haproxy
  /** the balancer's frontends */
  usersUrl: string
  offersUrl: string
  /** PEM of the cluster's CA: the balancer's and every replica's certificate */
  ca: string
  /** the redis-server given to Users as RATE_LIMIT_REDIS_URL; undefined when Users refused it at boot */
  redis?: RedisServer
  /** why Users runs without the shared limit store, when it does: its own words at boot */
  sharedLimitsRefused?: string
  /** an HTTPS client whose connections come from `localAddress` (any 127.x.y.z), trusting the cluster's CA */
  client: (localAddress: string) => Agent
}

export interface ClusterOptions {
  database: TestDatabase
  replicas?: number
  /** start a redis-server and give it to Users as RATE_LIMIT_REDIS_URL (dropped if Users refuses it) */
  redis?: boolean
  /** extra environment of every Users / Offers process */
  usersEnv?: Record<string, string>
  offersEnv?: Record<string, string>
}

interface Teardown { teardown: (fn: () => unknown) => void }

/** The newest modification time among the files under dir, 0 when there are none. */
function newest (dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

/** The bundles must exist and be newer than every source they are built from: a stale one would test old code. */
export function assertFreshBuild (specs: ServiceSpec[] = [users, offers]): void {
  const sources = [
    ...specs.map((s) => path.join(repoRoot, 'services', s.name, 'src')),
    ...['service-kit', 'contracts', 'offers-client'].map((p) => path.join(repoRoot, 'packages', p, 'src'))
  ]
  const latestSource = Math.max(...sources.map(newest))
  for (const spec of specs) {
    let built = 0
    try {
      built = statSync(spec.built).mtimeMs
    } catch { /* missing: 0 */ }
    if (built < latestSource) {
      throw new Error(`${path.relative(repoRoot, spec.built)} is ${built ? 'older than its sources' : 'missing'}: ` +
        'run `pnpm build` first')
    }
  }
}

async function waitReady (url: string, dispatcher: Agent, exited: () => boolean, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    if (exited()) return false
    try {
      const res = await request(`${url}/ready`, { dispatcher })
      await res.body.dump()
      if (res.statusCode === 200) return true
    } catch { /* not listening yet */ }
  }
  throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms`)
}

function replica (
  spec: ServiceSpec, index: number, port: number, env: Record<string, string>, dispatcher: Agent
): Replica {
  let proc: Supervised | undefined
  let output = ''
  const name = serverName(spec.name, index)
  return {
    service: spec.name,
    name,
    port,
    pid: () => proc?.child.pid,
    running: () => proc?.running() ?? false,
    output: () => output,
    async start () {
      const child = spawnNode(spec.built, { ...env, PORT: String(port) }, ['ignore', 'pipe', 'pipe'],
        imageNodeArgs(spec.name))
      child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      proc = supervise(child)
      const current = proc
      if (!await waitReady(`https://127.0.0.1:${port}`, dispatcher, () => !current.running(), 30_000)) {
        throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output.slice(-2000)}`)
      }
    },
    async stop (signal) {
      if (!proc?.running()) return proc?.child.exitCode ?? null
      proc.child.kill(signal)
      await proc.exited
      return proc.child.exitCode
    }
  }
}

/**
 * Starts the balancer, then Offers and Users replicas (APP_SETTINGS=production, every variable explicit,
 * TRUST_PROXY = the balancer's address, a short drain), and waits until the balancer sees every one UP.
 * Everything is stopped and removed at the end of the test.
 */
export async function startReplicaCluster (t: Teardown, opts: ClusterOptions): Promise<ReplicaCluster> {
  assertFreshBuild()
  const count = opts.replicas ?? 2
  const workDir = await mkdtemp(path.join(tmpdir(), 'replicas-'))
  const stops: Array<() => Promise<unknown>> = []
  t.teardown(async () => {
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {})
    await rm(workDir, { recursive: true, force: true })
  })
  // a CA of the cluster's own: the balancer's certificate and the services' come from it
  const certsDir = path.join(workDir, 'certs')
  await ensureCertificates(certsDir, ['users', 'offers', 'balancer'])
  const caFile = caFiles(certsDir).cert
  const ca = await readFile(caFile, 'utf8')
  const keys = await writeKeyFiles(makeTestKeys())
  const dispatcher = new Agent({ connect: { ca } })
  stops.push(() => dispatcher.close())

  const ports = {
    users: await Promise.all(Array.from({ length: count }, () => freePort())),
    offers: await Promise.all(Array.from({ length: count }, () => freePort()))
  }
  const balancerTls = certFiles(certsDir, 'balancer')
  const balancer = await startHaproxy({
    workDir,
    services: [{ name: 'users', serverPorts: ports.users }, { name: 'offers', serverPorts: ports.offers }],
    caFile,
    certFile: balancerTls.cert,
    keyFile: balancerTls.key,
    sourceAddress: BALANCER_ADDRESS
  })
  stops.push(() => balancer.stop())

  const common = (service: Service): Record<string, string> => ({
    NODE_ENV: 'production',
    APP_SETTINGS: 'production',
    HOST: '127.0.0.1',
    DB_POOL_MAX: '5',
    DB_POOL_MIN: '1',
    TLS_CERT_FILE: certFiles(certsDir, service).cert,
    TLS_KEY_FILE: certFiles(certsDir, service).key,
    JWT_PUBLIC_KEYS_FILE: keys.jwksFile,
    LOG_LEVEL: 'info',
    TRUST_PROXY: BALANCER_ADDRESS,
    // longer than the balancer takes to see /ready fail (2 checks 500 ms apart), with a margin for a busy machine
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    // several replicas of a service on one host: production's one metrics port each would clash
    METRICS_PORT: '0'
  })
  const offersEnv = { ...common('offers'), DATABASE_URL: opts.database.offersUrl, ...opts.offersEnv }
  const usersEnv = {
    ...common('users'),
    DATABASE_URL: opts.database.usersUrl,
    JWT_PRIVATE_KEY_FILE: keys.privateKeyFile,
    TLS_CA_FILE: caFile,
    BCRYPT_COST: '4',
    // Users reaches Offers through the balancer too
    OFFERS_URL: balancer.urls.offers!,
    OFFERS_TIMEOUT_MS: '3000',
    ...opts.usersEnv
  }

  let redis: RedisServer | undefined
  let sharedLimitsRefused: string | undefined
  if (opts.redis) {
    const server = redis = await startRedisServer({ port: await freePort(), dir: workDir })
    stops.push(() => server.stop())
  }
  const offersReplicas = ports.offers.map((port, i) => replica(offers, i, port, offersEnv, dispatcher))
  for (const r of offersReplicas) stops.push(() => r.stop('SIGKILL'))
  await Promise.all(offersReplicas.map((r) => r.start()))

  const usersWith = (env: Record<string, string>) =>
    ports.users.map((port, i) => replica(users, i, port, env, dispatcher))
  let usersReplicas = usersWith(redis ? { ...usersEnv, RATE_LIMIT_REDIS_URL: redis.url } : usersEnv)
  try {
    await usersReplicas[0]!.start()
  } catch (err) {
    const refusal = /^users: (.*RATE_LIMIT_REDIS_URL.*)$/m.exec((err as Error).message)?.[1]
    if (!redis || !refusal) throw err
    // this build has no shared store yet: run without it, and say so
    sharedLimitsRefused = refusal
    await redis.stop()
    redis = undefined
    usersReplicas = usersWith(usersEnv)
    await usersReplicas[0]!.start()
  }
  for (const r of usersReplicas) stops.push(() => r.stop('SIGKILL'))
  await Promise.all(usersReplicas.slice(1).map((r) => r.start()))
  for (const r of [...offersReplicas, ...usersReplicas]) await balancer.waitFor(`${r.service}/${r.name}`, 'UP')

  return {
    users: usersReplicas,
    offers: offersReplicas,
    balancer,
    usersUrl: balancer.urls.users!,
    offersUrl: balancer.urls.offers!,
    ca,
    ...(redis ? { redis } : {}),
    ...(sharedLimitsRefused ? { sharedLimitsRefused } : {}),
    client (localAddress) {
      // undici takes the source address from the client's own option, not from `connect`
      const agent = new Agent({ connect: { ca }, localAddress })
      stops.push(() => agent.close())
      return agent
    }
  }
}
