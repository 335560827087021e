// The container's health probe: GET /health of this process's own port, from inside the container.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'

/**
 * True when https://localhost:PORT/health answers 200 with the very certificate in TLS_CERT_FILE. The probe
 * pins that certificate instead of trusting a CA, so it needs no configuration beyond the service's own.
 */
export function probeHealth (env: NodeJS.ProcessEnv, timeoutMs = 2_000): Promise<boolean> {
  let expected: string
  try {
    expected = new X509Certificate(readFileSync(env.TLS_CERT_FILE ?? '')).fingerprint256
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    const req = request({
      host: 'localhost',
      port: Number(env.PORT),
      path: '/health',
      agent: false,
      rejectUnauthorized: false,
      timeout: timeoutMs
    }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerX509Certificate()
      res.resume()
      resolve(res.statusCode === 200 && peer?.fingerprint256 === expected)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}
