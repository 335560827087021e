// Connections that misbehave on purpose (silent TCP, half a ClientHello, idle TLS, bytes trickled in), and when and
// how the server closed them: for the connection-bound tests.
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import tls from 'node:tls'

export interface Closed {
  /** from the moment the watched stage began (TCP connect, or the finished handshake), as this process saw it */
  ms: number
  /**
   * from the moment the socket was made, before the server could start any timer of its own: a lower bound on
   * the server's time however late this process saw the stage begin (a busy event loop)
   */
  sinceOpenMs: number
  /** what the server wrote before closing, decrypted when the handshake finished */
  received: string
  secured: boolean
}

export interface HeldConnection<S extends net.Socket = net.Socket> {
  socket: S
  /** when the bounded stage began (performance.now()); the caller may move it */
  clock: { started: number }
  closed: Promise<Closed>
}

/** Resolves when the socket closes; `clock.started` is set when the bounded stage begins. */
function closeOf (socket: net.Socket, clock: { started: number }): Promise<Closed> {
  const opened = performance.now()
  let received = ''
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1') })
  socket.on('error', () => {})
  return new Promise((resolve) => socket.once('close', () => resolve({
    ms: Math.round(performance.now() - clock.started),
    sinceOpenMs: Math.round(performance.now() - opened),
    received,
    secured: socket instanceof tls.TLSSocket && socket.encrypted && Boolean(socket.getProtocol())
  })))
}

/** A plain TCP connection that sends nothing unless told; the clock starts once it is connected. */
export function rawTcp (port: number): HeldConnection {
  const clock = { started: performance.now() }
  const socket = net.connect(port, '127.0.0.1', () => { clock.started = performance.now() })
  return { socket, clock, closed: closeOf(socket, clock) }
}

/** A TLS connection trusting `ca`; `then` runs once the handshake is done, and the clock starts there. */
export function tlsClient (
  port: number, ca: string, then: (socket: tls.TLSSocket) => void = () => {}
): HeldConnection<tls.TLSSocket> {
  const clock = { started: performance.now() }
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => {
    clock.started = performance.now()
    then(socket)
  })
  return { socket, clock, closed: closeOf(socket, clock) }
}

/** Writes `bytes` one at a time, every `everyMs`, until they run out or the socket closes: a bounded loop. */
export function trickle (socket: net.Socket, bytes: Buffer, everyMs: number): void {
  let next = 0
  const timer = setInterval(() => {
    if (next >= bytes.length || socket.destroyed) return clearInterval(timer)
    socket.write(bytes.subarray(next, ++next))
  }, everyMs)
  socket.once('close', () => clearInterval(timer))
}

/** Slowloris: a request whose headers arrive a byte every `everyMs`, never finished in time. */
export function slowHeaders (path = '/health'): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n` + 'X-Padding: 0123456789\r\n'.repeat(20) + '\r\n')
}

/** The first bytes a real client sends: Node's own ClientHello, caught by a plain TCP listener. */
export async function clientHello (): Promise<Buffer> {
  const catcher = net.createServer()
  const hello = new Promise<Buffer>((resolve) => catcher.once('connection', (s) => s.once('data', resolve)))
  await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve))
  const client = tls.connect({ port: (catcher.address() as net.AddressInfo).port, host: '127.0.0.1' })
  client.on('error', () => {})
  const bytes = await hello
  client.destroy()
  await new Promise((resolve) => catcher.close(resolve))
  return bytes
}

/** "HTTP/1.1 408" when the server answered before closing, the byte count otherwise. */
export function describeClose ({ received }: Closed): string {
  return received.startsWith('HTTP/1.1') ? received.slice(0, 12) : `${received.length} bytes`
}
