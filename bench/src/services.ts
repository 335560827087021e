// Both services as `pnpm start` runs them, but production-like: every variable explicit, info logs to a file, cost 12.
import { type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { certFiles, jwtFiles, offers, spawnTs, users, waitHealthy, type ServiceSpec } from '@app/devstack'
import type { Cleanup } from './cleanup.ts'
import { freePort } from './net.ts'

export interface RunningProcess {
  name: string
  /** https://127.0.0.1:port */
  origin: string
  pid: number
  /** stdout and stderr of the process: JSON log lines */
  logFile: string
  stop: () => Promise<void>
  /** throws, with the end of its log, when the process has died (not stopped by the bench) */
  assertAlive: () => Promise<void>
}

export interface StackFiles {
  workDir: string
  certsDir: string
  jwtDir: string
  caFile: string
}

/** Login limits high enough that the auth scenario measures bcrypt, not the limiter. */
const LOGIN_LIMITS = { LOGIN_MAX_FAILURES: '1000000', LOGIN_FAILURE_WINDOW_SECONDS: '900', LOGIN_MAX_PER_IP_PER_MINUTE: '1000000' }

async function tail (file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** Spawns one entry file with its stdout and stderr in logFile, and waits for GET /health. */
export async function startProcess (cleanup: Cleanup, name: string, file: string, env: Record<string, string>, files: StackFiles, nodeArgs: string[] = []): Promise<RunningProcess> {
  const logFile = path.join(files.workDir, `${name}.log`)
  const fd = openSync(logFile, 'a')
  let child: ChildProcess
  try {
    child = spawnTs(file, env, ['ignore', fd, fd], nodeArgs)
  } finally {
    closeSync(fd)
  }
  const exited = once(child, 'exit')
  let stopping = false
  const stop = async () => {
    stopping = true
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  cleanup.defer(`the ${name} process`, stop)
  const origin = `https://127.0.0.1:${env.PORT}`
  try {
    await waitHealthy(origin, await readFile(files.caFile, 'utf8'), child, 60_000)
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- last lines of ${name}.log ---\n${await tail(logFile)}`)
  }
  const assertAlive = async () => {
    if (stopping || (child.exitCode === null && child.signalCode === null)) return
    throw new Error(`the ${name} process died (${child.exitCode ?? child.signalCode})\n--- last lines of ${name}.log ---\n${await tail(logFile)}`)
  }
  return { name, origin, pid: child.pid!, logFile, stop, assertAlive }
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
    EVENT_LOOP_STATS: '1'
  }
}

/**
 * V8's sampling profiler, written when the process exits (the bench stops it with SIGTERM). One file per
 * thread: tsx's module loader runs in a worker of its own; the main thread's profile is the large one.
 */
const profiling = (dir: string | undefined, name: string): string[] =>
  dir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, name)}`] : []

/** Offers first, as `pnpm start` does, then Users pointed at it. */
export async function startServices (cleanup: Cleanup, urls: { users: string, offers: string }, files: StackFiles, profileDir?: string) {
  const [usersPort, offersPort] = [await freePort(), await freePort()]
  const offersProc = await startProcess(cleanup, 'offers', offers.server, common(offers, offersPort, urls.offers, files), files, profiling(profileDir, 'offers'))
  const usersProc = await startProcess(cleanup, 'users', users.server, {
    ...common(users, usersPort, urls.users, files),
    JWT_PRIVATE_KEY_FILE: jwtFiles(files.jwtDir).privateKey,
    ACCESS_TOKEN_TTL_SECONDS: '900',
    REFRESH_TOKEN_TTL_DAYS: '30',
    BCRYPT_COST: '12',
    ...LOGIN_LIMITS,
    OFFERS_URL: offersProc.origin,
    OFFERS_TIMEOUT_MS: '2000'
  }, files, profiling(profileDir, 'users'))
  return { users: usersProc, offers: offersProc }
}

export type Services = Awaited<ReturnType<typeof startServices>>
