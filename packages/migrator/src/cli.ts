// The one-shot setup command (`pnpm bootstrap`, the migrate image): DATABASE_URL is an admin URL.
import { prepareDatabase } from './prepare.ts'

const { DATABASE_URL: adminUrl, USERS_DB_PASSWORD: usersPw, OFFERS_DB_PASSWORD: offersPw } = process.env
if (!adminUrl || !usersPw || !offersPw) {
  process.stderr.write('Set DATABASE_URL (an admin URL), USERS_DB_PASSWORD and OFFERS_DB_PASSWORD.\n')
  process.exit(2)
}
try {
  const database = process.env.DATABASE_NAME ?? 'classifieds'
  const { applied } = await prepareDatabase(adminUrl, database, { users_svc: usersPw, offers_svc: offersPw })
  process.stdout.write(`${database}: bootstrapped; migrations applied: ` +
    `${applied.length ? applied.join(', ') : 'none (up to date)'}\n`)
} catch (err) {
  process.stderr.write(`bootstrap failed: ${(err as Error).message}\n`)
  process.exit(1)
}
