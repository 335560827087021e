// OpenTelemetry traces, on only when an OTLP endpoint is configured: the SDK and its instrumentations are imported
// then and only then (tracing-sdk.ts), so a process without OTEL_* loads none of it and pays nothing.
import type { FastifyPluginAsync } from 'fastify'
import { ConfigError } from './config.ts'

export interface Tracing {
  /** registered first by createServiceApp: a span per request, and the request's logs bound to it */
  plugin: FastifyPluginAsync
  /** ends the SDK, exporting the spans still queued */
  shutdown: () => Promise<void>
}

type Env = Record<string, string | undefined>

const ENDPOINTS = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const
const PROTOCOLS = ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const
/** the OTLP transports the SDK (sdk-node) builds an exporter for */
const KNOWN_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc']

const httpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

const set = (env: Env, name: string) => {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/**
 * True when traces are to be exported: an OTLP endpoint is set, OTEL_SDK_DISABLED is not true and
 * OTEL_TRACES_EXPORTER is not none. The SDK would warn about a malformed value and carry on without traces;
 * a service stops instead, naming the variable, as it does for its own settings.
 */
export function tracingEnabled (env: Env): boolean {
  const problems: string[] = []
  const disabled = set(env, 'OTEL_SDK_DISABLED')?.toLowerCase()
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') {
    problems.push(`OTEL_SDK_DISABLED must be true or false (got "${env.OTEL_SDK_DISABLED}")`)
  }
  const endpoints = ENDPOINTS.filter((name) => set(env, name) !== undefined)
  for (const name of endpoints) {
    if (!httpUrl(set(env, name) ?? '')) {
      problems.push(`${name} must be an http(s) URL (got "${env[name]}")`)
    }
  }
  for (const name of PROTOCOLS) {
    const protocol = set(env, name)
    if (protocol !== undefined && !KNOWN_PROTOCOLS.includes(protocol)) {
      problems.push(`${name} must be one of ${KNOWN_PROTOCOLS.join(', ')} (got "${protocol}")`)
    }
  }
  if (problems.length) throw new ConfigError(problems)
  const exporters = set(env, 'OTEL_TRACES_EXPORTER')?.split(',').map((name) => name.trim())
  return disabled !== 'true' && endpoints.length > 0 && !exporters?.includes('none')
}

let active: Tracing | undefined

/** The process's tracing once startTracing turned it on: one per process, as OpenTelemetry's API is global. */
export function activeTracing (): Tracing | undefined {
  return active
}

/**
 * Starts the OpenTelemetry SDK when `env` asks for traces (tracingEnabled), before the app is built: the service's
 * name is service.name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
 */
export async function startTracing (serviceName: string, env: Env): Promise<Tracing | undefined> {
  if (active || !tracingEnabled(env)) return active
  const { startSdk } = await import('./tracing-sdk.ts')
  active = startSdk(serviceName)
  return active
}
