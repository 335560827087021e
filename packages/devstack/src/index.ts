// The development stack's building blocks, for tests and benchmarks.
export { ensureCertificates } from './certs.ts'
export { ensureJwtKeys, publicJwk, thumbprint } from './jwt-keys.ts'
export { initCluster, startCluster, stopCluster, runningPid, type ClusterOptions } from './postgres.ts'
export { imageNodeArgs, IMAGE_ENTRY } from './image-command.ts'
export { spawnNode, spawnTs, supervise, TS_NODE_ARGS, type Supervised } from './node-process.ts'
export { freePort, portFree } from './port.ts'
export { paths, repoRoot, caFiles, certFiles, jwtFiles } from './paths.ts'
export { stack, users, offers, type ServiceSpec } from './stack.ts'
export { waitHealthy } from './wait-healthy.ts'
export { StartError } from './embedded.ts'
export {
  startHaproxy, haproxyConfig, writePem, serverName, systemProgram, BALANCER_SOURCE_ADDRESS, type Haproxy,
  type HaproxyOptions, type BalancedService
} from './haproxy.ts'
export {
  startRedisServer, stopRedisPid, redisAnswers, redisServerBinary, processEnded, type RedisServer
} from './redis.ts'
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, type OtlpValue } from './otlp-receiver.ts'
