// The API contract shared by both services and the Offers client: TypeBox schemas and their static types.
export * from './common.ts'
export * from './offers.ts'
export * from './users.ts'
export * from './sessions.ts'
