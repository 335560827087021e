// Entry point: the only place that reads the environment and files; listens over HTTPS.
import { readFileSync } from 'node:fs'
import { readJwksFile, readTls, runServer } from '@app/service-kit'
import { buildApp } from './app.ts'
import { loadUsersSettings } from './config.ts'

await runServer('users', async (env) => {
  const settings = loadUsersSettings(env)
  const app = await buildApp({
    ...settings,
    tls: readTls(settings),
    offersCa: readFileSync(settings.TLS_CA_FILE, 'utf8'),
    signingKey: readFileSync(settings.JWT_PRIVATE_KEY_FILE, 'utf8'),
    publicKeys: readJwksFile(settings.JWT_PUBLIC_KEYS_FILE)
  })
  return { app, port: settings.PORT, host: settings.HOST }
})
