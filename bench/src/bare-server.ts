// The framework ceiling: a bare Fastify HTTPS server answering a constant JSON; no logger, no plugins, no I/O.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const { PORT, TLS_CERT_FILE, TLS_KEY_FILE } = process.env
if (!PORT || !TLS_CERT_FILE || !TLS_KEY_FILE) {
  process.stderr.write('bare-server: set PORT, TLS_CERT_FILE and TLS_KEY_FILE\n')
  process.exit(2)
}

const app = Fastify({
  https: { key: readFileSync(TLS_KEY_FILE), cert: readFileSync(TLS_CERT_FILE), minVersion: 'TLSv1.2' }
})
app.get('/', async () => ({ hello: 'world' }))
app.get('/health', async () => ({ status: 'ok' }))

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)) })
}
await app.listen({ port: Number(PORT), host: '127.0.0.1' })
