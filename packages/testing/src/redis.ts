// The run's Valkey/Redis (TEST_REDIS = auto | server | container | url | none), started once by --before like
// PostgreSQL, a namespace of it for each test, and a private server a test may stop and start again for outage tests.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, redisServerBinary, startRedisServer, stopRedisPid, type RedisServer } from '@app/devstack'
import { Redis } from 'ioredis'
import { defaultRedisImage, removeContainer, startRedisContainer } from './container.ts'
import { readState, type TestRedisState } from './state.ts'

interface Teardown { teardown: (fn: () => Promise<void>) => void }

/**
 * `server` starts redis-server (or valkey-server) on a free loopback port, with no persistence; `container` runs
 * TEST_REDIS_IMAGE (default redis:7) the same way, on the host's network; `url` uses TEST_REDIS_URL; `none` runs
 * without one (the tests of the shared store are skipped); `auto` is `server` when the binary is installed, `none`
 * otherwise, unless REQUIRE_REDIS=1 (CI), where a missing binary fails the run. `auto` never tries a container: the
 * distribution's server starts in a tenth of a second with no engine, so only an explicit `container` pays for one.
 */
export async function startTestRedis (
  dir: string, mode = process.env.TEST_REDIS ?? 'auto'
): Promise<TestRedisState | undefined> {
  switch (mode) {
    case 'url': {
      const url = process.env.TEST_REDIS_URL
      if (!url) throw new Error('TEST_REDIS=url needs TEST_REDIS_URL')
      return { url }
    }
    case 'none': return undefined
    case 'auto':
      if (!redisServerBinary() && process.env.REQUIRE_REDIS !== '1') {
        process.stderr.write('test redis: no redis-server on PATH; the shared-store tests are skipped\n')
        return undefined
      }
      return server(dir)
    case 'server': return server(dir)
    case 'container': {
      const image = process.env.TEST_REDIS_IMAGE || defaultRedisImage
      const { url, id } = await startRedisContainer({ image, port: await freePort() })
      return { url, container: id }
    }
    default: throw new Error(`TEST_REDIS must be auto, server, container, url or none (got "${mode}")`)
  }
}

async function server (dir: string): Promise<TestRedisState> {
  const { url, pid } = await startRedisServer({ port: await freePort(), dir, detached: true })
  return { url, pid }
}

/**
 * Stops the run's server, if this run started one: its container, or its process if that pid is still that server
 * (a pid may be reused).
 */
export async function stopTestRedis (state: TestRedisState | undefined): Promise<void> {
  if (state?.container) return removeContainer(state.container)
  if (!state?.pid) return
  let command = ''
  try {
    command = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8')
  } catch {
    return
  }
  if (/(redis|valkey)-server/.test(command) && command.includes(`:${new URL(state.url).port}`)) {
    await stopRedisPid(state.pid)
  }
}

export interface TestRedis {
  url: string
  /** this test's own keys: every key the app writes starts with it */
  prefix: string
  /** the Users settings that put its limits there */
  env: { RATE_LIMIT_REDIS_URL: string, RATE_LIMIT_REDIS_PREFIX: string }
  /** for assertions (TTL, MONITOR, INFO) */
  client: Redis
}

/** A namespace of the run's server for one test, its keys deleted at the end; undefined when the run has none. */
export async function testRedis (t: Teardown): Promise<TestRedis | undefined> {
  const state = readState().redis
  if (!state) return undefined
  return namespace(t, state.url)
}

async function namespace (t: Teardown, url: string): Promise<TestRedis> {
  const prefix = `test:${randomBytes(6).toString('hex')}:`
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  // a private server is stopped on purpose; the client reconnects by itself
  client.on('error', () => {})
  t.teardown(async () => {
    if (client.status === 'ready') {
      const keys = await client.keys(`${prefix}*`)
      if (keys.length) await client.unlink(...keys)
    }
    client.disconnect()
  })
  await client.ping()
  return { url, prefix, client, env: { RATE_LIMIT_REDIS_URL: url, RATE_LIMIT_REDIS_PREFIX: prefix } }
}

export interface PrivateRedis extends TestRedis {
  /** SIGTERM: the server shuts down, closing every connection; resolves once it has exited */
  stop: () => Promise<void>
  /** starts it again on the same port, empty; resolves once it answers */
  start: () => Promise<void>
  /** SIGSTOP: connections stay open and nothing answers, as a hung server or a lost network does; thaw: SIGCONT */
  freeze: () => void
  thaw: () => void
}

/** A redis-server of the test file's own, which it may stop and start: never the run's shared one. */
export async function startPrivateRedis (t: Teardown): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'test-redis-private-'))
  const port = await freePort()
  let running: RedisServer | undefined = await startRedisServer({ port, dir })
  const thaw = () => { if (running) process.kill(running.pid, 'SIGCONT') }
  t.teardown(async () => {
    thaw() // a frozen server would hold its SIGTERM until then
    await running?.stop()
    await rm(dir, { recursive: true, force: true })
  })
  const ns = await namespace(t, running.url)
  return {
    ...ns,
    async stop () {
      await running?.stop()
      running = undefined
    },
    async start () {
      running = await startRedisServer({ port, dir })
    },
    freeze: () => { if (running) process.kill(running.pid, 'SIGSTOP') },
    thaw
  }
}
