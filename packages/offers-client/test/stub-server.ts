// An HTTPS server with the run's Offers certificate whose answers a test writes, recording requests and sockets.
import { once } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { testTls } from '@app/testing'

export interface Recorded { method?: string, url?: string, headers: IncomingMessage['headers'], body: string }

export interface StubServer {
  url: string
  ca: string
  requests: Recorded[]
  /** every TLS connection accepted, in order */
  sockets: Socket[]
}

interface TapLike { teardown: (fn: () => unknown) => void }

export async function stubServer (
  t: TapLike, answer: (req: IncomingMessage, res: ServerResponse) => void
): Promise<StubServer> {
  const tls = testTls('offers')
  const requests: Recorded[] = []
  const sockets: Socket[] = []
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body })
      answer(req, res)
    })
  })
  server.on('secureConnection', (socket: Socket) => sockets.push(socket))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => {
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  })
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: tls.ca, requests, sockets }
}

/** Answers JSON with the given status. */
export const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
