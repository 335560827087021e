// One request over real HTTPS trusting only the given CA (or the system's roots), for tests where the TLS hop matters.
import { Agent, request } from 'undici'

export interface HttpsOptions {
  /** PEM of the CA to trust; left out, only the system's roots are trusted */
  ca?: string
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  headers?: Record<string, string>
  /** sent as JSON */
  json?: unknown
}

export interface HttpsResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** parsed when the answer is JSON, the text otherwise */
  body: unknown
}

export async function httpsRequest (url: string, opts: HttpsOptions = {}): Promise<HttpsResponse> {
  const dispatcher = new Agent({ connect: opts.ca ? { ca: opts.ca } : {} })
  try {
    const res = await request(url, {
      dispatcher,
      method: opts.method ?? (opts.json === undefined ? 'GET' : 'POST'),
      headers: { ...(opts.json === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) })
    })
    const text = await res.body.text()
    const json = /json/.test(String(res.headers['content-type'])) && text !== ''
    return { status: res.statusCode, headers: res.headers, body: json ? JSON.parse(text) : text }
  } finally {
    await dispatcher.destroy()
  }
}
