// Tells whether a TCP port can be listened on, so a second start can say what is in the way.
import net from 'node:net'

export function portFree (port: number, host = '::'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}
