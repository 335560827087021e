// Tracing's switch: on only with an OTLP endpoint, strict about the OTEL_* values it reads, and with it off the
// process imports nothing of OpenTelemetry (a resolve hook in a child process watches).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { TS_NODE_ARGS } from '@app/testing'
import { tracingEnabled } from '../src/tracing.ts'

const endpoint = 'http://127.0.0.1:4318'

t.test('on only with an endpoint, and not when disabled or its exporter is none', async (t) => {
  t.equal(tracingEnabled({}), false)
  t.equal(tracingEnabled({ OTEL_SERVICE_NAME: 'users', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), false)
  t.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), true)
  t.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` }), true)
  t.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'TRUE' }), false)
  t.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'false' }), true)
  t.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'none' }), false)
})

t.test('a malformed value stops the process, naming the variable', async (t) => {
  t.throws(() => tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }),
    /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL \(got "localhost:4318"\)/)
  t.throws(() => tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector' }),
    /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL/)
  t.throws(() => tracingEnabled({ OTEL_SDK_DISABLED: 'yes' }), /OTEL_SDK_DISABLED must be true or false \(got "yes"\)/)
  t.throws(() => tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http' }),
    /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json, grpc \(got "http"\)/)
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }
  t.throws(() => tracingEnabled({ ...on, OTEL_TRACES_EXPORTER: 'console' }),
    /OTEL_TRACES_EXPORTER must be a comma-separated list of otlp, none \(got "console"\)/)
  t.throws(() => tracingEnabled({ ...on, OTEL_TRACES_SAMPLER: 'parentbased_ratio' }),
    /OTEL_TRACES_SAMPLER must be one of always_on, .*parentbased_traceidratio \(got "parentbased_ratio"\)/)
  t.throws(() => tracingEnabled({ ...on, OTEL_PROPAGATORS: 'tracecontext,jaeger' }),
    /OTEL_PROPAGATORS must be a comma-separated list of tracecontext, baggage, b3, b3multi, none/)
  for (const ratio of ['2', '10%', '-0.1', 'half', '1e-1']) {
    t.throws(() => tracingEnabled({ ...on, OTEL_TRACES_SAMPLER_ARG: ratio }),
      new RegExp(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 \\(got "${ratio}"\\)`), ratio)
  }
})

t.test('the sampler, its ratio, the propagators and the exporter as the SDK takes them', async (t) => {
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }
  t.equal(tracingEnabled({
    ...on,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
    OTEL_PROPAGATORS: 'tracecontext, baggage',
    OTEL_TRACES_EXPORTER: 'otlp'
  }), true)
  for (const ratio of ['0', '1', '.5', '0.25']) t.equal(tracingEnabled({ ...on, OTEL_TRACES_SAMPLER_ARG: ratio }), true)
  t.equal(tracingEnabled({ ...on, OTEL_TRACES_SAMPLER: 'always_off' }), true, 'on, recording nothing')
})

const probe = fileURLToPath(new URL('fixtures/tracing-loads.ts', import.meta.url))
async function loads (env: Record<string, string>): Promise<{ started: boolean, loaded: string[] }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')))
  // tap's NODE_OPTIONS (its process tracking) stays out of the child
  const { stdout } = await promisify(execFile)(process.execPath, [...TS_NODE_ARGS, probe], {
    env: { ...clean, ...env, NODE_OPTIONS: '' }
  })
  return JSON.parse(stdout) as { started: boolean, loaded: string[] }
}

t.test('off, the process imports no OpenTelemetry module; on, it imports the SDK', async (t) => {
  const off = await loads({})
  t.equal(off.started, false)
  t.same(off.loaded, [], 'nothing of OpenTelemetry, nor tracing-sdk.ts, was imported')
  // on, pointed at a port where nothing listens: no span is made, so nothing is sent
  const on = await loads({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })
  t.equal(on.started, true)
  t.ok(on.loaded.some((url) => url.includes('tracing-sdk')), 'tracing-sdk.ts')
  t.ok(on.loaded.some((url) => url.includes('@opentelemetry/sdk-node')), 'the Node SDK')
  t.ok(on.loaded.some((url) => /@fastify[+/]otel/.test(url)), '@fastify/otel')
})
