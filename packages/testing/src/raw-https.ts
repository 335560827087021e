// HTTP/1.1 written by hand over real TLS, for what no client library sends (a NUL in a header, a broken request line,
// a body that is not UTF-8), and the answers read back from the bytes.
import { connect, type TLSSocket } from 'node:tls'

export interface RawResponse {
  status: number
  /** lower-cased names */
  headers: Record<string, string>
  /** parsed when the answer is JSON, the text otherwise */
  body: unknown
}

export interface RawConnection {
  socket: TLSSocket
  /** every byte the server sent, once the connection has closed (or after `limitMs`) */
  received: Promise<Buffer>
}

/** Opens a TLS connection to `base` (https://host:port) trusting only `ca`. */
export async function rawTls (base: string, ca: string, limitMs = 10_000): Promise<RawConnection> {
  const { hostname, port } = new URL(base)
  const socket = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' })
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const received = new Promise<Buffer>((resolve) => {
    const limit = setTimeout(() => socket.destroy(), limitMs)
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(limit)
      resolve(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve)
    socket.once('error', reject)
  })
  return { socket, received }
}

/** The answers in `bytes`, in order; each body is as long as its content-length says. */
export function parseResponses (bytes: Buffer): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at)
    if (end < 0) throw new Error(`an incomplete answer: ${bytes.subarray(at).toString('latin1')}`)
    const [statusLine = '', ...lines] = bytes.subarray(at, end).toString('latin1').split('\r\n')
    const headers = Object.fromEntries(lines.map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
    }))
    const length = Number(headers['content-length'] ?? 0)
    const text = bytes.subarray(end + 4, end + 4 + length).toString('utf8')
    const json = /json/.test(headers['content-type'] ?? '') && text !== ''
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: json ? JSON.parse(text) : text })
    at = end + 4 + length
  }
  return responses
}

/**
 * Writes `request` on a new connection and reads the one answer. `closedByServer` is false when the server left the
 * connection open (then it is ended here after a while): send `Connection: close` unless that is what is tested.
 */
export async function rawRequest (
  base: string, ca: string, request: string | Buffer
): Promise<RawResponse & { closedByServer: boolean }> {
  const { socket, received } = await rawTls(base, ca)
  socket.write(request)
  let closedByServer = true
  const timer = setTimeout(() => {
    closedByServer = false
    socket.end()
  }, 2000)
  const answers = parseResponses(await received)
  clearTimeout(timer)
  if (answers.length !== 1) throw new Error(`expected one answer, got ${answers.length}`)
  return { ...answers[0]!, closedByServer }
}
