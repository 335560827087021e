// Builds the Users app from a config: never reads the environment, never listens.
import { hkdfSync } from 'node:crypto'
import {
  baseOptions, createServiceApp, idempotencyOptions, idempotencyPlugin, protectedRoutes, type App
} from '@app/service-kit'
import { auditRoutes } from './audit/audit.routes.ts'
import { createAuditService } from './audit/audit.service.ts'
import { authRoutes } from './auth/auth.routes.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createLoginLimiter } from './auth/login-limiter.ts'
import { createPasswords } from './auth/passwords.ts'
import { sessionRoutes } from './auth/sessions.routes.ts'
import { createSessionsService } from './auth/sessions.service.ts'
import { accessTokens, signingKid } from './auth/tokens.ts'
import type { UsersConfig } from './config.ts'
import { usersMetrics } from './metrics.ts'
import { createStore } from './db/store.ts'
import type { DB } from './db/types.ts'
import { attemptStorePlugin } from './plugins/attempt-store.ts'
import { auditRetentionPlugin } from './plugins/audit-retention.ts'
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
      description: 'Registration, login with rotating refresh tokens and sessions, users with their offers, and ' +
        'each account\'s audit trail.',
      publicUrl: config.PUBLIC_URL,
      tags: [
        { name: 'users', description: 'Accounts and their audit trail' },
        { name: 'auth', description: 'Tokens and sessions' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    }
  })
  try {
    const metrics = usersMetrics(app.metrics)
    await app.register(offersClientPlugin, {
      baseUrl: config.OFFERS_URL,
      ca: config.offersCa,
      timeoutMs: config.OFFERS_TIMEOUT_MS,
      maxBodyBytes: config.OFFERS_MAX_BODY_BYTES,
      onOutcome: metrics.offersCall
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
    const passwords = await createPasswords({
      cost: config.BCRYPT_COST, maxQueue: config.BCRYPT_MAX_QUEUE, onWait: metrics.bcryptWait
    })
    metrics.watchBcryptQueue(passwords.queued)
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
      refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      onReuse: metrics.refreshReuse
    })
    const users = createUsersService({
      store, passwords, limiter, offers: app.offers, offersEmbedLimit: config.USER_OFFERS_EMBED_LIMIT
    })
    const limits = {
      registrationsPerHour: config.REGISTER_MAX_PER_IP_PER_HOUR,
      passwordChangesPerHour: config.PASSWORD_CHANGE_MAX_PER_IP_PER_HOUR
    }
    await app.register(registryRoutes, { users, limits })
    await app.register(authRoutes, {
      auth,
      loginsPerIpPerMinute: config.LOGIN_MAX_PER_IP_PER_MINUTE,
      publicKeys: config.publicKeys,
      metrics
    })
    await app.register(protectedRoutes(userRoutes), { users, limits })
    await app.register(protectedRoutes(sessionRoutes), { sessions: createSessionsService(store) })
    await app.register(protectedRoutes(auditRoutes), { audit: createAuditService(store) })
    await app.register(auditRetentionPlugin, {
      audit: store.audit,
      retentionDays: config.AUDIT_RETENTION_DAYS,
      intervalSeconds: config.AUDIT_SWEEP_INTERVAL_SECONDS,
      batch: config.AUDIT_SWEEP_BATCH
    })
  } catch (err) {
    await app.close()
    throw err
  }
  return app
}
