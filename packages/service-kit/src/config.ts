// Configuration, loaded once at boot: the fields both services have, defaults per APP_SETTINGS, then the
// environment, then a schema check that names every bad variable.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import proxyAddr from '@fastify/proxy-addr'
import type { ErrorObject } from 'ajv'
import { Type, type Static, type TObject } from 'typebox'
import { connectionDefaults } from './connections.ts'
import { createAjv } from './validation.ts'

export const appSettings = ['development', 'testing', 'production'] as const
export type AppSettings = typeof appSettings[number]

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

const certsDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../certs')
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const commonConfig = {
  HOST: Type.String({ minLength: 1 }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  PUBLIC_URL: Type.Optional(Type.String({ format: 'uri' })),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200 }),
  DB_POOL_MIN: Type.Integer({ minimum: 0, maximum: 200 }),
  TLS_CERT_FILE: Type.String({ minLength: 1 }),
  TLS_KEY_FILE: Type.String({ minLength: 1 }),
  LOG_LEVEL: Type.Union(logLevels.map((level) => Type.Literal(level))),
  JWT_PUBLIC_KEYS_FILE: Type.String({ minLength: 1 }),
  JWT_ISSUER: Type.String({ minLength: 1 }),
  JWT_AUDIENCE: Type.String({ minLength: 1 }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400 }),
  // connection bounds (connections.ts): every stage of a connection ends, and a process holds so many at most
  TLS_HANDSHAKE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000 }),
  CONNECTION_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000 }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 900_000 }),
  MAX_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 100_000 }),
  // behind a balancer: whose X-Forwarded-For is believed (trustedProxies), and how long a stopping replica keeps
  // serving while no longer ready (shutdown.ts)
  TRUST_PROXY: Type.String(),
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, maximum: 60_000 }),
  // Prometheus metrics on a listener of their own (metrics.ts); 0 turns them off. The host defaults to HOST.
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  METRICS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  // safe retries (idempotency.ts): when an in-flight key counts as abandoned, and the sweeper of expired keys
  IDEMPOTENCY_LOCK_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000 }),
  IDEMPOTENCY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000 }),
  IDEMPOTENCY_SWEEP_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 100_000 })
}

type Defaults = Record<AppSettings, Record<string, unknown>>

// The services' own Ajv rather than typebox/value, whose ~300 more modules would be loaded for this one check.
// Environment values are text: Ajv converts them to the schema's types (coerceTypes) in place.
const ajv = createAjv({ coerceTypes: true, allErrors: true })

/** One line per variable: the error closest to the variable's own schema (a union's, not each member's). */
function describe (errors: ErrorObject[], schema: TObject, settings: AppSettings): string[] {
  const missing = errors.filter((e) => e.keyword === 'required').map((e) => String(e.params.missingProperty))
  const byVariable = new Map<string, ErrorObject>()
  for (const e of errors) {
    if (e.keyword === 'required') continue
    const known = byVariable.get(e.instancePath)
    if (!known || e.schemaPath.length < known.schemaPath.length) byVariable.set(e.instancePath, e)
  }
  const problems = [...byVariable].map(([at, e]) => {
    const name = at.slice(1) || 'config'
    const members = (schema.properties[name] as { anyOf?: Array<{ const?: unknown }> } | undefined)?.anyOf
    if (e.keyword === 'anyOf' && members?.every((m) => m.const !== undefined)) {
      return `${name} must be one of ${members.map((m) => String(m.const)).join(', ')}`
    }
    return `${name} ${e.message}`
  })
  return [...(missing.length ? [`${missing.join(', ')} is required when APP_SETTINGS=${settings}`] : []), ...problems]
}

/**
 * The production metrics port of each service: 9464 is the port OpenTelemetry's Prometheus exporter uses; Offers
 * takes the next one, so that both can run on one host (compose.host-network.yml) without setting it.
 */
const metricsPorts: Record<string, number> = { users: 9464, offers: 9465 }

/** The common fields' defaults; development and testing find their files in the repository's certs/. */
export function commonDefaults (service: string, port: number): Defaults {
  const shared = {
    HOST: '::',
    PORT: port,
    DB_POOL_MAX: 10,
    DB_POOL_MIN: 2,
    JWT_ISSUER: 'users-service',
    JWT_AUDIENCE: 'classifieds',
    ACCESS_TOKEN_TTL_SECONDS: 900,
    TLS_HANDSHAKE_TIMEOUT_MS: connectionDefaults.handshakeTimeoutMs,
    CONNECTION_IDLE_TIMEOUT_MS: connectionDefaults.idleTimeoutMs,
    HEADERS_TIMEOUT_MS: connectionDefaults.headersTimeoutMs,
    REQUEST_TIMEOUT_MS: connectionDefaults.requestTimeoutMs,
    KEEP_ALIVE_TIMEOUT_MS: connectionDefaults.keepAliveTimeoutMs,
    MAX_CONNECTIONS: connectionDefaults.maxConnections,
    TRUST_PROXY: '',
    IDEMPOTENCY_LOCK_TIMEOUT_MS: 60_000,
    IDEMPOTENCY_SWEEP_INTERVAL_MS: 300_000,
    IDEMPOTENCY_SWEEP_BATCH_SIZE: 1_000
  }
  const localFiles = {
    TLS_CERT_FILE: path.join(certsDir, `${service}.crt`),
    TLS_KEY_FILE: path.join(certsDir, `${service}.key`),
    JWT_PUBLIC_KEYS_FILE: path.join(certsDir, 'jwt', 'jwks.json')
  }
  return {
    // no balancer in front locally: a stop is immediate
    // metrics off locally: nothing scrapes them, and no second port to clash
    development: { ...shared, ...localFiles, LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: 0, METRICS_PORT: 0 },
    testing: { ...shared, ...localFiles, LOG_LEVEL: 'silent', SHUTDOWN_DRAIN_MS: 0, METRICS_PORT: 0 },
    // longer than a balancer or Kubernetes takes to see /ready fail and stop sending (a few probe intervals)
    production: {
      ...shared, LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: 5_000, METRICS_PORT: metricsPorts[service] ?? 9464
    }
  }
}

/**
 * TRUST_PROXY's entries: addresses, CIDR ranges, or proxy-addr's names (loopback, linklocal, uniquelocal), comma
 * separated; empty trusts nobody.
 */
export function trustedProxies (value: string): string[] {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean)
}

/** Each entry must be one proxy-addr (Fastify's trustProxy) understands; the first that is not is named. */
function checkTrustProxy (value: string): void {
  try {
    proxyAddr.compile(trustedProxies(value))
  } catch (err) {
    const reason = (err as Error).message
    throw new ConfigError([`TRUST_PROXY must list addresses or CIDR ranges, comma separated: ${reason}`])
  }
}

/**
 * The one rule between two variables: a pool keeps no more connections warm than it may open. The default
 * minimum follows a smaller maximum; a minimum set above it is a mistake.
 */
function poolBounds (values: Record<string, unknown>, env: Record<string, string | undefined>): void {
  if (!(Number(values.DB_POOL_MIN) > Number(values.DB_POOL_MAX))) return
  if (env.DB_POOL_MIN !== undefined && env.DB_POOL_MIN !== '') {
    const got = `${String(values.DB_POOL_MIN)} > ${String(values.DB_POOL_MAX)}`
    throw new ConfigError([`DB_POOL_MIN must be at most DB_POOL_MAX (got ${got})`])
  }
  values.DB_POOL_MIN = values.DB_POOL_MAX
}

/**
 * Builds the configuration of schema T from env. Keys of T are the environment variable names.
 * `defaults[APP_SETTINGS]` fills what env leaves out; anything still missing or malformed is named.
 */
export function loadConfig<T extends TObject> (
  schema: T,
  defaults: Defaults,
  env: Record<string, string | undefined>
): Static<T> & { APP_SETTINGS: AppSettings } {
  const settings = (env.APP_SETTINGS ?? 'development') as AppSettings
  if (!appSettings.includes(settings)) {
    throw new ConfigError([`APP_SETTINGS must be one of ${appSettings.join(', ')} (got "${settings}")`])
  }
  const raw: Record<string, unknown> = { ...defaults[settings] }
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const validate = ajv.compile(schema)
  if (!validate(raw)) throw new ConfigError(describe(validate.errors ?? [], schema, settings))
  // Node refuses headers that may take longer than the request they belong to; say so in our words
  if (Number(raw.HEADERS_TIMEOUT_MS) > Number(raw.REQUEST_TIMEOUT_MS)) {
    throw new ConfigError(['HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (headers are part of a request)'])
  }
  poolBounds(raw, env)
  if (Number(raw.METRICS_PORT) !== 0 && raw.METRICS_PORT === raw.PORT) {
    const port = String(raw.PORT)
    throw new ConfigError([`METRICS_PORT must differ from PORT (both ${port}): metrics have a listener of their own`])
  }
  if (typeof raw.TRUST_PROXY === 'string') checkTrustProxy(raw.TRUST_PROXY)
  return { ...raw, APP_SETTINGS: settings } as Static<T> & { APP_SETTINGS: AppSettings }
}

/** Reads the TLS pair, naming the variable whose file is missing. */
export function readTls (config: { TLS_CERT_FILE: string, TLS_KEY_FILE: string }): { cert: string, key: string } {
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    if (!existsSync(config[name])) {
      throw new Error(`${name}: no file at ${config[name]} (run "pnpm start" once to make local certificates)`)
    }
  }
  return { cert: readFileSync(config.TLS_CERT_FILE, 'utf8'), key: readFileSync(config.TLS_KEY_FILE, 'utf8') }
}
