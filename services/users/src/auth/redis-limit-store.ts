// The limits shared by every replica, in Valkey/Redis (RATE_LIMIT_REDIS_URL): failed logins as sorted sets and
// per-address request counts, each check one Lua script (one round trip, atomic), every key expiring with its window.
// An outage refuses what needs a limit (503 RATE_LIMIT_STORE_UNAVAILABLE, fail closed), is logged once, and ends
// by itself when the server answers again.
import { randomBytes } from 'node:crypto'
import { outageWatch, type OutageLog } from '@app/service-kit'
import { Redis, ReplyError } from 'ioredis'
import { errors } from '../errors.ts'
import type { AttemptStore } from './attempt-store.ts'

/**
 * KEYS: one sorted set per limit (member: an attempt's id, score: its time). ARGV: now, windowMs, id, then each
 * key's max. Mirrors memoryAttemptStore.admit: returns 0 when recorded, else the time every limit has room again.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local retryAt = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local max = tonumber(ARGV[3 + i])
  local held = redis.call('ZCARD', key)
  if held >= max then
    local blocking = redis.call('ZRANGE', key, held - max, held - max, 'WITHSCORES')
    retryAt = math.max(retryAt, tonumber(blocking[2]) + window)
  end
end
if retryAt > 0 then return retryAt end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 0
`

/** KEYS: the sorted sets an attempt was recorded in. ARGV: its id. */
const FORGET = `
for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
return 0
`

/**
 * @fastify/rate-limit's fixed window (its own RedisStore's script, without the options we do not use): KEYS: the
 * counter. ARGV: windowMs. Returns the count and the ms left. A counter that somehow lost its expiry gets it back.
 */
const HIT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { current, ttl }
`

interface Scripts {
  limitsAdmit: (keys: number, ...args: Array<string | number>) => Promise<number>
  limitsForget: (keys: number, ...args: string[]) => Promise<number>
  limitsHit: (key: string, windowMs: number) => Promise<[number, number]>
}

/** A per-address request count (for @fastify/rate-limit): this request's number in its window, and the ms left. */
export interface AddressCounter {
  hit: (key: string, windowMs: number) => Promise<{ current: number, ttl: number }>
}

export interface SharedLimits {
  attempts: AttemptStore
  counter: AddressCounter
  close: () => Promise<void>
}

export interface SharedLimitsOptions {
  url: string
  /** every key starts with it (RATE_LIMIT_REDIS_PREFIX), e.g. `classifieds:users:` */
  prefix: string
  log: OutageLog
  /** ms; a login waits at most about this long for a server that does not answer */
  commandTimeoutMs?: number
}

/**
 * Replies that say the server cannot serve now (out of memory under maxmemory, loading, a read-only replica, a
 * busy script, a failed disk write, refused credentials) rather than that our script is wrong: outages, like a
 * refused connection or a timeout. Any other reply error (ERR, WRONGTYPE, …) is a bug and stays a 500.
 */
const UNAVAILABLE_REPLIES = /^(OOM|LOADING|READONLY|MASTERDOWN|BUSY|MISCONF|NOREPLICAS|CLUSTERDOWN|TRYAGAIN|NOAUTH|WRONGPASS|NOPERM)\b/

export function isStoreUnavailable (err: unknown): boolean {
  if (!(err instanceof Error)) return false
  return !(err instanceof ReplyError) || UNAVAILABLE_REPLIES.test(err.message)
}

/** The client: no command waits for a connection, none waits long for a reply, and it reconnects by itself. */
export function limitClient (url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName: 'classifieds-users-limits',
    connectTimeout: 1000,
    commandTimeout: commandTimeoutMs,
    // while disconnected a command fails at once instead of queueing behind the outage
    enableOfflineQueue: false,
    // a command in flight when the connection drops fails at once and is never sent again: a retried script
    // could count one failure twice
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // every 100 ms, 200 ms, … then once a second: back within a second of the server
    retryStrategy: (times) => Math.min(times * 100, 1000)
  })
}

export async function openSharedLimits (
  { url, prefix, log, commandTimeoutMs = 1000 }: SharedLimitsOptions
): Promise<SharedLimits> {
  const client = limitClient(url, commandTimeoutMs)
  const scripts = client as unknown as Scripts
  client.defineCommand('limitsAdmit', { lua: ADMIT })
  client.defineCommand('limitsForget', { lua: FORGET })
  client.defineCommand('limitsHit', { lua: HIT, numberOfKeys: 1 })

  let refused = 0
  const watch = outageWatch(log, {
    down: 'rate-limit store unavailable: limited requests are refused',
    up: 'rate-limit store answers again'
  })
  const answered = () => {
    if (!watch.down) return
    watch.answered({ refused })
    refused = 0
  }
  // the client's own failures (refused connections while it retries): said once, with the first
  client.on('error', (err: Error) => watch.failed(err))
  client.on('ready', answered)

  /** Runs one command; an outage becomes the 503 the limits answer with, and is said once. */
  async function run<T> (command: () => Promise<T>): Promise<T> {
    try {
      const result = await command()
      answered()
      return result
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err
      watch.failed(err as Error)
      refused++
      throw errors.limitStoreUnavailable()
    }
  }

  // unique across replicas and restarts: the process's random tag and a counter
  const tag = randomBytes(6).toString('base64url')
  let seq = 0
  const login = (key: string) => `${prefix}login:${key}`

  const attempts: AttemptStore = {
    async admit (limits, now, windowMs) {
      const id = `${tag}:${(seq++).toString(36)}`
      const retryAt = await run(() => scripts.limitsAdmit(
        limits.length, ...limits.map((l) => login(l.key)), now, windowMs, id, ...limits.map((l) => l.max)
      ))
      return retryAt === 0 ? { admitted: true, id } : { admitted: false, retryAt }
    },
    async forget (keys, id) {
      await run(() => scripts.limitsForget(keys.length, ...keys.map(login), id))
    },
    async close () {}
  }

  const counter: AddressCounter = {
    async hit (key, windowMs) {
      const [current, ttl] = await run(() => scripts.limitsHit(`${prefix}rate:${key}`, windowMs))
      return { current, ttl }
    }
  }

  // the first connection is awaited (bounded by connectTimeout) so the first requests find it open; a server
  // that is down now is an outage like any later one: logged, and the client keeps trying
  await client.connect().catch((err: Error) => watch.failed(err))

  return {
    attempts,
    counter,
    async close () {
      await client.quit().catch(() => client.disconnect())
    }
  }
}
