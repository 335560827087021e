// Test helpers: a real PostgreSQL database per test file (or a private cluster to stop and kill), a namespace of
// the run's Redis (or a private server), keys, forged tokens, TLS material, HTTPS requests, service processes,
// misbehaving connections, bounded request loops.
export { createTestDatabase, type TestDatabase } from './database.ts'
export { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts'
export { makeTestKeys, signToken, claims, forge, writeKeyFiles, type TestKeys, type ClaimOptions } from './keys.ts'
export { testTls, testTlsFiles, foreignCa } from './tls.ts'
export { httpsRequest, type HttpsOptions, type HttpsResponse } from './https.ts'
export { rawTls, rawRequest, parseResponses, type RawConnection, type RawResponse } from './raw-https.ts'
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process.ts'
export { enforceConformance, type ConformanceFailure } from './conformance.ts'
export { validateOpenApi, lintOpenApi } from './openapi.ts'
export { hasChromium, hasCertutil, launchChromium, chromiumPath, docsPageOperations } from './browser.ts'
export { readState, TEMPLATE_DB } from './state.ts'
export { testRedis, startPrivateRedis, type TestRedis, type PrivateRedis } from './redis.ts'
export {
  freePort, supervise, TS_NODE_ARGS, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan
} from '@app/devstack'
export {
  rawTcp, tlsClient, trickle, slowHeaders, clientHello, describeClose, type Closed, type HeldConnection
} from './raw-connections.ts'
export { boundedLoad, type LoadLimits, type Sample, type RunningLoad } from './bounded-load.ts'
export {
  startReplicaCluster, assertFreshBuild, BALANCER_ADDRESS, DRAIN_MS, type ReplicaCluster, type Replica,
  type ClusterOptions
} from './replicas.ts'
export {
  call, startLoad, percentile, type Answer, type CallOptions, type Operation, type LoadStats, type LoadControl
} from './replica-load.ts'
export { scrapeMetrics, sample, type Scrape } from './metrics.ts'
