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
