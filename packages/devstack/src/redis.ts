// Runs a throwaway Valkey/Redis server (Debian's redis-server, or valkey-server) on a loopback port: no persistence,
// for the tests and the benchmark. Started as a child, or detached to outlive the process that starts it.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs'
import path from 'node:path'
import { Redis } from 'ioredis'

/** REDIS_SERVER names the binary; otherwise the first of redis-server and valkey-server on PATH. */
export function redisServerBinary (): string | undefined {
  if (process.env.REDIS_SERVER) return process.env.REDIS_SERVER
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['redis-server', 'valkey-server']) {
      if (existsSync(path.join(dir, name))) return path.join(dir, name)
    }
  }
  return undefined
}

export interface RedisServerOptions {
  port: number
  /** where its log goes (redis.log); nothing else is written there */
  dir: string
  /** leave it running when this process exits (stopped later by `stopRedisPid`) */
  detached?: boolean
}

export interface RedisServer {
  url: string
  pid: number
  /** SIGTERM (a shutdown that saves nothing), resolved once it has exited */
  stop: () => Promise<void>
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Gone, or a zombie that holds nothing any more (a detached server's parent may not reap it). */
export function processEnded (pid: number): boolean {
  if (existsSync('/proc')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
    } catch {
      return true
    }
  }
  try {
    process.kill(pid, 0)
    return false
  } catch {
    return true
  }
}

/** SIGTERM to a server started here, then SIGKILL after graceMs; resolves once it has ended. */
export async function stopRedisPid (pid: number, graceMs = 5_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s)
    } catch {
      // already gone
    }
  }
  signal('SIGTERM')
  for (const deadline = Date.now() + graceMs; !processEnded(pid) && Date.now() < deadline;) await pause(20)
  if (!processEnded(pid)) signal('SIGKILL')
  for (const deadline = Date.now() + graceMs; !processEnded(pid) && Date.now() < deadline;) await pause(20)
}

/** Resolves once the server answers PING; rejects after timeoutMs. */
export async function redisAnswers (url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.ping()
      return
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis at ${url} does not answer: ${(err as Error).message}`)
      await pause(50)
    } finally {
      client.disconnect()
    }
  }
}

export async function startRedisServer ({ port, dir, detached = false }: RedisServerOptions): Promise<RedisServer> {
  const binary = redisServerBinary()
  if (!binary) throw new Error('no redis-server or valkey-server on PATH (Debian: apt-get install redis-server)')
  const log = openSync(path.join(dir, 'redis.log'), 'a')
  const child = spawn(binary, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    // no persistence, so nothing to protect; a full server refuses writes rather than evicting limit keys
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no'
  ], { stdio: ['ignore', log, log], detached })
  closeSync(log)
  const exitedEarly = once(child, 'exit').then(() => {
    throw new Error(`${binary} exited at start; see ${path.join(dir, 'redis.log')}`)
  })
  // it rejects also when the server is stopped much later, when nobody waits for it any more
  exitedEarly.catch(() => {})
  if (detached) child.unref()
  const url = `redis://127.0.0.1:${port}`
  try {
    await Promise.race([redisAnswers(url), exitedEarly])
  } catch (err) {
    if (child.pid) await stopRedisPid(child.pid)
    throw err
  }
  return { url, pid: child.pid!, stop: () => stopRedisPid(child.pid!) }
}
