// The Users service's configuration: environment variables, their defaults per APP_SETTINGS, and what buildApp gets.
import path from 'node:path'
import { Type, type Static } from 'typebox'
import { commonConfig, commonDefaults, loadConfig, type AppSettings, type PublicJwk } from '@app/service-kit'

export const UsersSettings = Type.Object({
  ...commonConfig,
  JWT_PRIVATE_KEY_FILE: Type.String({ minLength: 1 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365 }),
  BCRYPT_COST: Type.Integer({ minimum: 4, maximum: 15 }),
  BCRYPT_MAX_QUEUE: Type.Integer({ minimum: 0, maximum: 10_000 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1 }),
  LOGIN_MAX_FAILURES_PER_USERNAME: Type.Integer({ minimum: 1 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1 }),
  LOGIN_MAX_PER_IP_PER_MINUTE: Type.Integer({ minimum: 1 }),
  REGISTER_MAX_PER_IP_PER_HOUR: Type.Integer({ minimum: 1 }),
  PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR: Type.Integer({ minimum: 1 }),
  RATE_LIMIT_REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://[^\\s]+$' })),
  // keys are `<prefix>login:…` and `<prefix>rate:…`: one Redis can serve several deployments apart
  RATE_LIMIT_REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),
  OFFERS_URL: Type.String({ pattern: '^https://' }),
  OFFERS_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000 }),
  // the newest offers GET /user/{id}/ embeds; offers_next_cursor continues with Offers' GET /offers/
  USER_OFFERS_EMBED_LIMIT: Type.Integer({ minimum: 1, maximum: 100 }),
  // the longest answer the Offers client reads; 100 offers of the largest size fit in the default (8 MiB)
  OFFERS_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
  TLS_CA_FILE: Type.String({ minLength: 1 }),
  // audit trail retention (plugins/audit-retention.ts): how long events are kept, how often and how much is swept
  AUDIT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 36_500 }),
  AUDIT_SWEEP_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400 }),
  AUDIT_SWEEP_BATCH: Type.Integer({ minimum: 1, maximum: 100_000 })
})
export type UsersSettings = Static<typeof UsersSettings> & { APP_SETTINGS: AppSettings }

function defaults () {
  const common = commonDefaults('users', 3001)
  const jwtKey = path.join(path.dirname(String(common.development.JWT_PUBLIC_KEYS_FILE)), 'signing.key')
  const ca = path.join(path.dirname(String(common.development.TLS_CERT_FILE)), 'ca.crt')
  const shared = {
    REFRESH_TOKEN_TTL_DAYS: 30,
    BCRYPT_MAX_QUEUE: 16,
    LOGIN_MAX_FAILURES: 5,
    LOGIN_MAX_FAILURES_PER_USERNAME: 100,
    LOGIN_FAILURE_WINDOW_SECONDS: 900,
    LOGIN_MAX_PER_IP_PER_MINUTE: 100,
    REGISTER_MAX_PER_IP_PER_HOUR: 20,
    PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR: 10,
    RATE_LIMIT_REDIS_PREFIX: 'classifieds:users:',
    OFFERS_TIMEOUT_MS: 2000,
    USER_OFFERS_EMBED_LIMIT: 100,
    OFFERS_MAX_BODY_BYTES: 8 * 1024 * 1024,
    AUDIT_RETENTION_DAYS: 365,
    AUDIT_SWEEP_INTERVAL_SECONDS: 3600,
    AUDIT_SWEEP_BATCH: 1000
  }
  return {
    development: {
      ...common.development,
      ...shared,
      BCRYPT_COST: 10,
      JWT_PRIVATE_KEY_FILE: jwtKey,
      TLS_CA_FILE: ca,
      OFFERS_URL: 'https://localhost:3002'
    },
    testing: {
      ...common.testing,
      ...shared,
      BCRYPT_COST: 4,
      JWT_PRIVATE_KEY_FILE: jwtKey,
      TLS_CA_FILE: ca,
      OFFERS_URL: 'https://localhost:3002'
    },
    production: { ...common.production, ...shared, BCRYPT_COST: 12 }
  }
}

export function loadUsersSettings (env: Record<string, string | undefined>): UsersSettings {
  return loadConfig(UsersSettings, defaults(), env)
}

/** Settings plus the material server.ts reads from files. */
export interface UsersConfig extends UsersSettings {
  tls?: { key: string, cert: string }
  /** PEM of the CA that signed the Offers service's certificate */
  offersCa: string
  /** PEM (PKCS#8) of the Ed25519 signing key */
  signingKey: string
  publicKeys: PublicJwk[]
}
