// Entry point: the only place that reads the environment and files; listens over HTTPS.
import { readJwksFile, readTls, runServer } from '@app/service-kit'
import { buildApp } from './app.ts'
import { loadOffersSettings } from './config.ts'

await runServer('offers', async (env) => {
  const settings = loadOffersSettings(env)
  const app = await buildApp({
    ...settings,
    tls: readTls(settings),
    publicKeys: readJwksFile(settings.JWT_PUBLIC_KEYS_FILE)
  })
  return { app, port: settings.PORT, host: settings.HOST }
})
