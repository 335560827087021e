// One autocannon run over verified HTTPS: keep-alive connections, the CA pinned, each request built when sent.
import type { TLSSocket } from 'node:tls'
import autocannon from 'autocannon'

export interface Target { method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown }

export interface LoadSpec {
  origin: string
  /** the i-th request of the run */
  next: (i: number) => Target
  token?: string
  connections: number
  seconds: number
  /** a request still unanswered after this long counts as an error (timeout) */
  timeoutSeconds?: number
}

export interface LoadResult {
  requests: number
  rps: number
  p50_ms: number
  p99_ms: number
  max_ms: number
  /** mean latency by Little's law (connections ÷ rps): finer than the histogram's whole milliseconds */
  mean_ms: number
  non2xx: number
  errors: number
  timeouts: number
  statuses: Record<string, number>
}

export async function runLoad (spec: LoadSpec, ca: string): Promise<LoadResult> {
  let i = 0
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (spec.token) headers.authorization = `Bearer ${spec.token}`
  // no body, no content type: a JSON content type with an empty body is a 400 (MALFORMED_JSON) in both services
  const { 'content-type': _json, ...bodiless } = headers
  const request: autocannon.Request = {
    setupRequest: (req) => {
      const target = spec.next(i++)
      return {
        ...req,
        method: target.method,
        path: target.path,
        headers: target.body === undefined ? bodiless : headers,
        body: target.body === undefined ? '' : JSON.stringify(target.body)
      }
    }
  }
  const options: autocannon.Options = {
    url: spec.origin,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: spec.timeoutSeconds ?? 10,
    headers,
    requests: [request],
    // autocannon is patched so that these options decide: the certificate is verified against the CA.
    tlsOptions: { ca, rejectUnauthorized: true }
  }
  let unverified = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, res) => err ? reject(err) : resolve(res))
    instance.on('response', (client) => {
      if ((client as unknown as { conn?: TLSSocket }).conn?.authorized !== true) unverified++
    })
  })
  if (unverified) throw new Error(`${unverified} responses came over connections whose certificate was not verified`)
  const rps = result.requests.total / result.duration
  return {
    requests: result.requests.total,
    rps,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    mean_ms: rps > 0 ? (spec.connections / rps) * 1000 : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count ?? 0])
    )
  }
}
