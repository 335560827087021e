// What both services share: the base app, config, problem+json, auth, the database, validation and the process.
export { baseOptions, createServiceApp, type App, type BaseConfig, type ServiceAppOptions } from './app.ts'
export {
  loadConfig, ConfigError, appSettings, commonConfig, commonDefaults, readTls, trustedProxies, type AppSettings
} from './config.ts'
export {
  AppError, databaseUnavailable, problem, toProblem, invalidField, problems, problemResponse, bodyProblems, NoContent,
  noContent
} from './problems.ts'
export {
  authPlugin, protectedRoutes, parseJwks, readJwksFile, toPublicJwk, ACCESS_TOKEN_ALGORITHM,
  type AuthOptions, type AccessClaims, type PublicJwk
} from './auth.ts'
export {
  createDb, poolCounts, migrateToLatest, violatedUnique, violatedForeignKey,
  type DbLog, type DbOptions, type ServiceTables
} from './database.ts'
export { isDatabaseUnavailable, DATABASE_RETRY_AFTER_SECONDS } from './database-errors.ts'
export { outageWatch, briefError, type OutageLog, type OutageWatch } from './outage.ts'
export { createAjv } from './validation.ts'
export {
  metricsPlugin, noMetrics, UNMATCHED_ROUTE, type LabelValues, type MetricCounter, type MetricHistogram, type Metrics,
  type MetricsOptions
} from './metrics.ts'
export { redactedPaths } from './logging.ts'
export { probeHealth } from './health.ts'
export { connectionDefaults, nodeServerOptions, type ConnectionBounds } from './connections.ts'
export { activeTracing, startTracing, tracingEnabled, type Tracing } from './tracing.ts'
export { runServer, SHUTDOWN_GRACE_MS, type ListenOn } from './server.ts'
export {
  idempotencyPlugin, idempotencyOptions, idempotentPerAddress, idempotentPerUser, IDEMPOTENCY_HEADER,
  type Idempotency, type IdempotencyOptions, type IdempotentRoute
} from './idempotency.ts'
export {
  createIdempotencyKeysTableV1, type IdempotencyKeysTable, type IdempotencyTables
} from './idempotency-store.ts'
