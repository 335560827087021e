// Builds the Users app from a config: never reads the environment, never listens.
import { hkdfSync } from 'node:crypto'
import {
  baseOptions, createServiceApp, idempotencyOptions, idempotencyPlugin, protectedRoutes, type App
} from '@app/service-kit'
import { authRoutes } from './auth/auth.routes.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createLoginLimiter } from './auth/login-limiter.ts'
import { createPasswords } from './auth/passwords.ts'
import { accessTokens, signingKid } from './auth/tokens.ts'
import type { UsersConfig } from './config.ts'
import { createStore } from './db/store.ts'
import type { DB } from './db/types.ts'
import { attemptStorePlugin } from './plugins/attempt-store.ts'
import { offersClientPlugin } from './plugins/offers-client.ts'
import { rateLimitPlugin } from './plugins/rate-limit.ts'
import { registryRoutes, userRoutes } from './users/users.routes.ts'
import { createUsersService } from './users/users.service.ts'

// app.db sees this service's tables
declare module '@app/service-kit' {
  interface ServiceTables extends DB {}
}

export const version = '1.0.0'

export async function buildApp (config: UsersConfig): Promise<App> {
  // checked first: a signing key that matches no published key stops the boot before anything is opened
  const kid = signingKid(config.signingKey, config.publicKeys)
  const base = baseOptions(config)
  const app = await createServiceApp({
    ...base,
    auth: { ...base.auth, signer: { privateKey: config.signingKey, kid, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS } },
    docs: {
      title: 'Users service',
      version,
      description: 'Registration, login with rotating refresh tokens, and users with their offers.',
      publicUrl: config.PUBLIC_URL,
      tags: [
        { name: 'users', description: 'Accounts' },
        { name: 'auth', description: 'Tokens' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    }
  })
  try {
    await app.register(offersClientPlugin, {
      baseUrl: config.OFFERS_URL,
      ca: config.offersCa,
      timeoutMs: config.OFFERS_TIMEOUT_MS
    })
    await app.register(attemptStorePlugin, {
      redisUrl: config.RATE_LIMIT_REDIS_URL,
      redisPrefix: config.RATE_LIMIT_REDIS_PREFIX
    })
    await app.register(rateLimitPlugin)
    // registration bodies hold a password: their fingerprints are HMACs under a key derived from the signing key,
    // so that a stored fingerprint is no fast hash to guess passwords against
    const fingerprintKey = Buffer.from(hkdfSync('sha256', config.signingKey, '', 'idempotency-key fingerprint', 32))
    await app.register(idempotencyPlugin, idempotencyOptions(config, 'users', fingerprintKey))
    const store = createStore(app.db)
    const passwords = await createPasswords({ cost: config.BCRYPT_COST, maxQueue: config.BCRYPT_MAX_QUEUE })
    const limiter = createLoginLimiter({
      store: app.attempts,
      maxFailures: config.LOGIN_MAX_FAILURES,
      maxFailuresPerUsername: config.LOGIN_MAX_FAILURES_PER_USERNAME,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS
    })
    const auth = createAuthService({
      store,
      passwords,
      accessTokens: accessTokens(app.jwt, config.ACCESS_TOKEN_TTL_SECONDS),
      limiter,
      refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS
    })
    const users = createUsersService({ store, passwords, limiter, offers: app.offers })
    const limits = {
      registrationsPerHour: config.REGISTER_MAX_PER_IP_PER_HOUR,
      passwordChangesPerHour: config.PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR
    }
    await app.register(registryRoutes, { users, limits })
    await app.register(authRoutes, {
      auth,
      loginsPerIpPerMinute: config.LOGIN_MAX_PER_IP_PER_MINUTE,
      publicKeys: config.publicKeys
    })
    await app.register(protectedRoutes(userRoutes), { users, limits })
  } catch (err) {
    await app.close()
    throw err
  }
  return app
}
