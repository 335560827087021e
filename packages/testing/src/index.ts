// Test helpers: a real PostgreSQL database per test file, keys, forged tokens, TLS material, HTTPS requests.
export { createTestDatabase, type TestDatabase } from './database.ts'
export { makeTestKeys, signToken, claims, forge, type TestKeys, type ClaimOptions } from './keys.ts'
export { testTls, foreignCa } from './tls.ts'
export { httpsRequest, type HttpsOptions, type HttpsResponse } from './https.ts'
export { enforceConformance, type ConformanceFailure } from './conformance.ts'
export { readState, TEMPLATE_DB } from './state.ts'
