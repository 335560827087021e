// `pnpm bootstrap`: the same bootstrap and migrations as `pnpm start`, against DATABASE_URL (an admin URL).
import { prepareDatabase } from './prepare.ts'

const adminUrl = process.env.DATABASE_URL
const { USERS_DB_PASSWORD: usersPw, OFFERS_DB_PASSWORD: offersPw } = process.env
if (!adminUrl || !usersPw || !offersPw) {
  process.stderr.write('Set DATABASE_URL (an admin URL), USERS_DB_PASSWORD and OFFERS_DB_PASSWORD.\n')
  process.exit(2)
}
await prepareDatabase(adminUrl, process.env.DATABASE_NAME ?? 'classifieds', { users_svc: usersPw, offers_svc: offersPw })
process.stdout.write('bootstrapped and migrated\n')
