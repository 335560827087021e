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
/**
 * What the SDK would otherwise ignore with no more than a diag line nobody sees: an unknown exporter leaves tracing
 * on with no span exported (and `console` writes spans among the JSON log lines), an unknown sampler or a ratio
 * outside [0, 1] samples everything, an unknown propagator stops traceparent from reaching Offers.
 */
const EXPORTERS = ['otlp', 'none']
const SAMPLERS = [
  'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off',
  'parentbased_traceidratio'
]
const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none']

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

/** A comma-separated OTEL_* list, its names trimmed. */
const list = (env: Env, name: string) => set(env, name)?.split(',').map((item) => item.trim())

/** The problems of a variable holding one name (or a list of them, `many`) outside `known`. */
function unknownNames (env: Env, name: string, known: string[], many = true): string[] {
  const names = many ? list(env, name) : [set(env, name)].filter((value) => value !== undefined)
  const unknown = names?.filter((value) => !known.includes(value)) ?? []
  return unknown.length
    ? [`${name} must be ${many ? 'a comma-separated list of' : 'one of'} ${known.join(', ')} (got "${env[name]}")`]
    : []
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
  for (const name of PROTOCOLS) problems.push(...unknownNames(env, name, KNOWN_PROTOCOLS, false))
  problems.push(...unknownNames(env, 'OTEL_TRACES_EXPORTER', EXPORTERS))
  problems.push(...unknownNames(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, false))
  problems.push(...unknownNames(env, 'OTEL_PROPAGATORS', PROPAGATORS))
  const ratio = set(env, 'OTEL_TRACES_SAMPLER_ARG')
  if (ratio !== undefined && !(/^\d*\.?\d+$/.test(ratio) && Number(ratio) <= 1)) {
    problems.push(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "${ratio}")`)
  }
  if (problems.length) throw new ConfigError(problems)
  const exporters = list(env, 'OTEL_TRACES_EXPORTER')
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
