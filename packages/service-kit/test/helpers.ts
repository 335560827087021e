// The base app as the kit's tests build it over HTTPS: the run's certificate, test keys, and a database nothing
// answers for (port 1 refuses at once), since these tests need none.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { makeTestKeys, testTls } from '@app/testing'
import { createServiceApp, type App, type MetricsOptions } from '../src/index.ts'

export const tls = testTls('users')

export function httpsApp (drainMs?: number, metrics?: MetricsOptions): Promise<App> {
  return createServiceApp({
    ...(drainMs === undefined ? {} : { drainMs }),
    ...(metrics ? { metrics } : {}),
    logLevel: 'silent',
    tls: { key: tls.key, cert: tls.cert },
    database: { url: 'postgres://nobody:none@127.0.0.1:1/none', max: 1 },
    auth: { publicKeys: makeTestKeys().publicKeys, issuer: 'users', audience: 'classifieds', maxAgeSeconds: 900 },
    docs: { title: 'test', version: '0.0.0', description: 'test', tags: [] }
  })
}

/** Listens on 127.0.0.1, port 0, and answers the base URL. */
export async function listenHttps (app: Pick<FastifyInstance, 'listen' | 'server'>): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}
