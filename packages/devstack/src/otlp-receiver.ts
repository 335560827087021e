// A small OTLP/HTTP trace receiver on loopback, standing in for a collector: it answers every export at
// POST /v1/traces, and keeps the spans of those sent as JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json).
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export type OtlpValue = string | number | boolean | undefined

/** One span as exported, flattened: its resource's service.name and its attributes as plain values. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client */
  kind: number
  service: string
  attributes: Record<string, OtlpValue>
}

export interface OtlpReceiver {
  /** http://127.0.0.1:<port>, for OTEL_EXPORTER_OTLP_ENDPOINT */
  endpoint: string
  spans: ReceivedSpan[]
  /** every export request received, whatever its encoding */
  exports: () => number
  close: () => Promise<void>
}

interface KeyValue { key: string, value?: Record<string, unknown> }
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] }
    scopeSpans?: Array<{ spans?: Array<Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: KeyValue[] }> }>
  }>
}

/** An AnyValue's scalar (the JSON encoding spells int64 as a string). */
function scalar (value: Record<string, unknown> = {}): OtlpValue {
  const [kind, inner] = Object.entries(value)[0] ?? []
  if (kind === 'intValue') return Number(inner)
  return typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean' ? inner : undefined
}

const attributes = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, scalar(value)]))

function flatten (request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap(({ resource, scopeSpans = [] }) => {
    const service = String(attributes(resource?.attributes)['service.name'])
    return scopeSpans.flatMap(({ spans = [] }) => spans.map((span) => ({
      traceId: span.traceId,
      spanId: span.spanId,
      ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
      name: span.name,
      kind: span.kind,
      service,
      attributes: attributes(span.attributes)
    })))
  })
}

export async function startOtlpReceiver (): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  let exports = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      exports++
      let body = Buffer.concat(chunks)
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      const json = req.headers['content-type']?.startsWith('application/json')
      if (json) spans.push(...flatten(JSON.parse(body.toString()) as ExportRequest))
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
      // an empty ExportTraceServiceResponse: {} in JSON, no bytes in protobuf
      res.end(json ? '{}' : undefined)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    exports: () => exports,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}
