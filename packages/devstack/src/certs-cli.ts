// `pnpm certs`: makes what is missing in certs/ (local CA, a certificate per service, the JWT key pair).
import { ensureCertificates } from './certs.ts'
import { ensureJwtKeys } from './jwt-keys.ts'
import { paths } from './paths.ts'
import { stack } from './stack.ts'

const made = await ensureCertificates(paths.certs, stack.map((s) => s.name))
const jwt = await ensureJwtKeys(paths.jwt)
process.stdout.write(`certificates made: ${made.join(', ') || 'none (all present)'}; ` +
  `JWT keys ${jwt ? 'made' : 'present'}\n`)
