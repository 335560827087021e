// The services as processes, production-like (every variable explicit, info logs to a file, cost 12), from the build;
// and a second Users with its limits in a redis-server of the bench's own.
import { type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  BALANCER_SOURCE_ADDRESS, certFiles, freePort, imageNodeArgs, jwtFiles, offers, spawnNode, spawnTs, startHaproxy,
  startRedisServer, supervise, systemProgram, users, waitHealthy, type Haproxy, type ServiceSpec
} from '@app/devstack'
import type { Cleanup } from './cleanup.ts'
import { cpuSeconds } from './cpu.ts'
import type { BenchOptions } from './options.ts'

export interface RunningProcess {
  name: string
  /** https://127.0.0.1:port */
  origin: string
  pid: number
  /** what node ran with before the entry file */
  nodeArgs: string[]
  /** the entry file it ran, relative to the service's directory (the bundle, or dist/ with --profile) */
  entry: string
  /** from spawn to the first 200 on GET /health, polled every HEALTH_POLL_MS */
  coldStartMs: number
  /** CPU the process used until then (all threads): what starting costs, stretched far less than the wall clock */
  startupCpuMs: number
  /** stdout and stderr of the process: JSON log lines */
  logFile: string
  stop: () => Promise<void>
  /** throws, with the end of its log, when the process has died (not stopped by the bench) */
  assertAlive: () => Promise<void>
}

type ProcessOptions = Pick<BenchOptions, 'nodeArgs' | 'profileDir'>

export interface StackFiles {
  workDir: string
  certsDir: string
  jwtDir: string
  caFile: string
}

/** Login limits high enough that the auth scenario measures bcrypt, not the limiter. */
const LOGIN_LIMITS = {
  LOGIN_MAX_FAILURES: '1000000',
  LOGIN_FAILURE_WINDOW_SECONDS: '900',
  LOGIN_MAX_PER_IP_PER_MINUTE: '1000000'
}

async function tail (file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** Short, so that the cold start is not rounded up to the poll; each miss is a refused connection, cheap. */
const HEALTH_POLL_MS = 10

/**
 * Spawns one entry file (compiled `.js` with plain node, `.ts` through tsx) with its stdout and stderr in
 * logFile, and waits for GET /health.
 */
export async function startProcess (
  cleanup: Cleanup, name: string, file: string, env: Record<string, string>, files: StackFiles, nodeArgs: string[] = []
): Promise<RunningProcess> {
  const logFile = path.join(files.workDir, `${name}.log`)
  const ca = await readFile(files.caFile, 'utf8')
  const fd = openSync(logFile, 'a')
  let child: ChildProcess
  const spawned = performance.now()
  try {
    child = (file.endsWith('.ts') ? spawnTs : spawnNode)(file, env, ['ignore', fd, fd], nodeArgs)
  } finally {
    closeSync(fd)
  }
  const supervised = supervise(child)
  let stopping = false
  const stop = async () => {
    stopping = true
    await supervised.stop(15_000)
  }
  cleanup.defer(`the ${name} process`, stop)
  const origin = `https://127.0.0.1:${env.PORT}`
  try {
    await waitHealthy(origin, ca, child, 60_000, HEALTH_POLL_MS)
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- last lines of ${name}.log ---\n${await tail(logFile)}`)
  }
  const coldStartMs = Math.round(performance.now() - spawned)
  const startupCpuMs = Math.round(cpuSeconds(child.pid!) * 1000)
  const assertAlive = async () => {
    if (stopping || supervised.running()) return
    throw new Error(`the ${name} process died (${child.exitCode ?? child.signalCode})\n` +
      `--- last lines of ${name}.log ---\n${await tail(logFile)}`)
  }
  const entry = path.relative(path.join(path.dirname(file), '..'), file)
  return { name, origin, pid: child.pid!, nodeArgs, entry, coldStartMs, startupCpuMs, logFile, stop, assertAlive }
}

function common (svc: ServiceSpec, port: number, databaseUrl: string, files: StackFiles): Record<string, string> {
  const tls = certFiles(files.certsDir, svc.name)
  return {
    NODE_ENV: 'production',
    APP_SETTINGS: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `https://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '10',
    TLS_CERT_FILE: tls.cert,
    TLS_KEY_FILE: tls.key,
    TLS_CA_FILE: files.caFile,
    // BENCH_LOG_LEVEL is for experiments (what logging costs); reported runs use info, as production does
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
    JWT_PUBLIC_KEYS_FILE: jwtFiles(files.jwtDir).jwks,
    JWT_ISSUER: 'users-service',
    JWT_AUDIENCE: 'classifieds',
    EVENT_LOOP_STATS: '1',
    // as behind a balancer in production: the address HAProxy connects from (startBalancer) is trusted
    TRUST_PROXY: BALANCER_SOURCE_ADDRESS,
    // no balancer waits on the bench's stop
    SHUTDOWN_DRAIN_MS: '0',
    // off, as in development: the production default (9464/9465) would clash between runs; the metrics pair sets it
    METRICS_PORT: '0'
  }
}

/**
 * The image's own node arguments (infra/Dockerfile), then BENCH_NODE_ARGS (for V8 flags the last one wins),
 * then with --profile V8's sampling profiler, written when the process exits (the bench stops it with
 * SIGTERM). One profile per thread: plain node runs a service on one; a `.ts` entry also has tsx's module
 * loader in a worker.
 */
function serviceNodeArgs (name: ServiceSpec['name'], { nodeArgs = [], profileDir }: ProcessOptions): string[] {
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : []
  return [...imageNodeArgs(name), ...nodeArgs, ...profiling]
}

/** A second pair of the services that differs from the first in a few variables (traced.ts: OTEL_*). */
export interface Variant {
  /** added to both services' names (process and log file) */
  suffix: string
  env: Record<string, string>
}

/**
 * Offers first, as `pnpm start` does, then Users pointed at it; both from `pnpm build`'s bundle, as images run.
 * With a variant, the same pair with its variables on top.
 */
export async function startServices (
  cleanup: Cleanup, urls: { users: string, offers: string }, files: StackFiles, options: ProcessOptions = {},
  variant: Variant = { suffix: '', env: {} }
) {
  const [usersPort, offersPort] = [await freePort(), await freePort()]
  const offersEnv = { ...common(offers, offersPort, urls.offers, files), ...variant.env }
  // a profile is read by package, which a bundle (one file) cannot tell apart: --profile runs tsc's output instead
  const entry = (s: ServiceSpec) => options.profileDir ? s.compiled : s.built
  const offersProc = await startProcess(cleanup, `offers${variant.suffix}`, entry(offers), offersEnv, files,
    serviceNodeArgs('offers', options))
  const usersProc = await startProcess(cleanup, `users${variant.suffix}`, entry(users),
    { ...usersEnv(usersPort, urls.users, offersProc.origin, files), ...variant.env }, files,
    serviceNodeArgs('users', options))
  return { users: usersProc, offers: offersProc }
}

function usersEnv (port: number, databaseUrl: string, offersOrigin: string, files: StackFiles): Record<string, string> {
  return {
    ...common(users, port, databaseUrl, files),
    JWT_PRIVATE_KEY_FILE: jwtFiles(files.jwtDir).privateKey,
    ACCESS_TOKEN_TTL_SECONDS: '900',
    REFRESH_TOKEN_TTL_DAYS: '30',
    BCRYPT_COST: '12',
    ...LOGIN_LIMITS,
    OFFERS_URL: offersOrigin,
    OFFERS_TIMEOUT_MS: '2000'
  }
}

export interface RedisUsers {
  /** a second Users, the same build and settings, its limits in Redis */
  users: RunningProcess
  redisPid: number
}

/**
 * For the "login limit check with Redis" scenario: a redis-server of the run's own (loopback, no persistence) and a
 * second Users process with RATE_LIMIT_REDIS_URL, otherwise like the first: the two auth runs differ only there.
 */
export async function startRedisUsers (
  cleanup: Cleanup, databaseUrl: string, offersOrigin: string, files: StackFiles, options: ProcessOptions = {}
): Promise<RedisUsers> {
  const dir = path.join(files.workDir, 'redis')
  await mkdir(dir, { recursive: true })
  const redis = await startRedisServer({ port: await freePort(), dir })
  cleanup.defer('the redis-server', () => redis.stop())
  const entry = options.profileDir ? users.compiled : users.built
  const proc = await startProcess(cleanup, 'users_redis', entry, {
    ...usersEnv(await freePort(), databaseUrl, offersOrigin, files),
    RATE_LIMIT_REDIS_URL: redis.url
  }, files, serviceNodeArgs('users', options))
  return { users: proc, redisPid: redis.pid }
}

export interface MetricsPair {
  users: RunningProcess
  offers: RunningProcess
  /** each service's GET /metrics on plain HTTP */
  metricsUrls: string[]
}

/**
 * For the metrics scenario: a second Offers and a second Users (pointed at it), from the same build with the same
 * settings plus METRICS_PORT: the two user_get runs differ only there.
 */
export async function startMetricsPair (
  cleanup: Cleanup, urls: { users: string, offers: string }, files: StackFiles, options: ProcessOptions = {}
): Promise<MetricsPair> {
  const entry = (s: ServiceSpec) => options.profileDir ? s.compiled : s.built
  const metricsPorts = [await freePort(), await freePort()]
  const metricsEnv = (port: number) => ({ METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' })
  const offersProc = await startProcess(cleanup, 'offers_metrics', entry(offers), {
    ...common(offers, await freePort(), urls.offers, files), ...metricsEnv(metricsPorts[0]!)
  }, files, serviceNodeArgs('offers', options))
  const usersProc = await startProcess(cleanup, 'users_metrics', entry(users), {
    ...usersEnv(await freePort(), urls.users, offersProc.origin, files), ...metricsEnv(metricsPorts[1]!)
  }, files, serviceNodeArgs('users', options))
  return {
    users: usersProc,
    offers: offersProc,
    metricsUrls: metricsPorts.map((port) => `http://127.0.0.1:${port}/metrics`)
  }
}

export type Services = Awaited<ReturnType<typeof startServices>> & {
  usersRedis?: RunningProcess
  usersMetrics?: RunningProcess
  offersMetrics?: RunningProcess
  /** the pair with tracing on (traced.ts), for user_get_traced */
  usersTraced?: RunningProcess
  offersTraced?: RunningProcess
}

/**
 * HAProxy in front of both running services (TLS terminated with the bench's certificate, re-encrypted, health
 * checks on /ready), for the scenarios through the balancer; undefined, with the reason, when it is not installed.
 */
export async function startBalancer (
  cleanup: Cleanup, services: Services, files: StackFiles
): Promise<Haproxy | string> {
  if (!systemProgram('haproxy')) return 'haproxy is not installed (Debian: apt-get install haproxy)'
  const tls = certFiles(files.certsDir, 'balancer')
  const port = (p: RunningProcess) => Number(new URL(p.origin).port)
  const haproxy = await startHaproxy({
    workDir: files.workDir,
    services: [
      { name: 'users', serverPorts: [port(services.users)] },
      { name: 'offers', serverPorts: [port(services.offers)] }
    ],
    caFile: files.caFile,
    certFile: tls.cert,
    keyFile: tls.key,
    sourceAddress: BALANCER_SOURCE_ADDRESS
  })
  cleanup.defer('HAProxy', () => haproxy.stop())
  await haproxy.waitFor('users/users1', 'UP')
  await haproxy.waitFor('offers/offers1', 'UP')
  return haproxy
}
