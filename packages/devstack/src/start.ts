// `pnpm start`: certificates, keys, PostgreSQL, bootstrap and migrations, then both services; Ctrl-C stops all.
import { readFile } from 'node:fs/promises'
import { prepareDatabase } from '@app/migrator'
import { ensureCertificates } from './certs.ts'
import { StartError, startDevPostgres } from './embedded.ts'
import { ensureJwtKeys } from './jwt-keys.ts'
import { spawnTs, supervise, type Supervised } from './node-process.ts'
import { caFiles, certFiles, jwtFiles, paths } from './paths.ts'
import { portFree } from './port.ts'
import { devSecrets } from './secrets.ts'
import { offers, stack, users } from './stack.ts'
import { waitHealthy } from './wait-healthy.ts'

const log = (msg: string) => process.stdout.write(`[start] ${msg}\n`)

async function main () {
  for (const svc of stack) {
    if (!await portFree(svc.port)) {
      throw new StartError(`Port ${svc.port} for the ${svc.name} service is taken (another "pnpm start"?). ` +
        'Stop whatever listens there first.')
    }
  }
  const made = await ensureCertificates(paths.certs, stack.map((s) => s.name))
  if (made.length) log(`made certificates: ${made.join(', ')} (certs/)`)
  if (await ensureJwtKeys(paths.jwt)) log('made the JWT signing key pair (certs/jwt/)')

  const secrets = await devSecrets(paths.secrets)
  let stopDb = async () => {}
  let adminUrl = process.env.DATABASE_URL
  const database = process.env.DATABASE_NAME ?? 'classifieds'
  if (!adminUrl) {
    const pgPort = Number(process.env.PG_PORT ?? 5433)
    const pg = await startDevPostgres(paths.pgData, pgPort, secrets.postgres, log)
    stopDb = pg.stop
    adminUrl = pg.url
    log(`embedded PostgreSQL on 127.0.0.1:${pgPort}, data in .data/pg`)
  }

  const children: Supervised[] = []
  let stopping = false
  const stopAll = async (code: number) => {
    if (stopping) return
    stopping = true
    log('stopping…')
    await Promise.all(children.map((child) => child.stop()))
    await stopDb()
    log('stopped')
    process.exit(code)
  }
  process.on('SIGINT', () => { void stopAll(0) })
  process.on('SIGTERM', () => { void stopAll(0) })

  try {
    const urls = await prepareDatabase(adminUrl, database, secrets)
    log('database bootstrapped and migrated')
    const ca = caFiles(paths.certs).cert
    const jwt = jwtFiles(paths.jwt)
    const common = {
      APP_SETTINGS: process.env.APP_SETTINGS ?? 'development',
      TLS_CA_FILE: ca,
      JWT_PUBLIC_KEYS_FILE: jwt.jwks
    }
    const env = {
      users: { ...common, PORT: String(users.port), DATABASE_URL: urls.users, JWT_PRIVATE_KEY_FILE: jwt.privateKey, OFFERS_URL: `https://localhost:${offers.port}` },
      offers: { ...common, PORT: String(offers.port), DATABASE_URL: urls.offers }
    }
    for (const svc of [offers, users]) {
      const files = certFiles(paths.certs, svc.name)
      const child = spawnTs(svc.server, { ...env[svc.name], TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key })
      children.push(supervise(child))
      child.on('exit', (code) => {
        if (!stopping) {
          log(`the ${svc.name} service exited (code ${code}); stopping the rest`)
          void stopAll(1)
        }
      })
    }
    const caPem = await readFile(ca, 'utf8')
    await Promise.all([users, offers].map((svc, i) => waitHealthy(`https://localhost:${svc.port}`, caPem, children[1 - i]!.child)))
    log('ready:')
    for (const svc of stack) log(`  ${svc.name.padEnd(6)} https://localhost:${svc.port}  docs: https://localhost:${svc.port}/docs`)
    log(`  CA to trust: ${ca}`)
  } catch (err) {
    report(err)
    await stopAll(1)
  }
}

function report (err: unknown) {
  process.stderr.write(`[start] ${err instanceof StartError ? err.message : (err as Error).stack}\n`)
}

main().catch((err: unknown) => {
  report(err)
  process.exit(1)
})
