// Free ports: whether one can be listened on (so a second start says what is in the way), or any free one.
import net from 'node:net'

export function portFree (port: number, host = '::'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** A free TCP port on 127.0.0.1, asked of the kernel, so a run never collides with `pnpm start`. */
export function freePort (host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
