// The database's one-shot setup, for `pnpm start`, the tests, the benchmark and the migrate image.
export { bootstrapDatabase, serviceUrl, type BootstrapOptions, type ServiceRole } from './bootstrap.ts'
export { prepareDatabase, bootstrapOptions, type RolePasswords } from './prepare.ts'
export { adminDb, withCredentials, withDatabase } from './db.ts'
