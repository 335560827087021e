// The Users service's request and response schemas, tokens included.
import { Type, type Static } from 'typebox'
import { Id, Timestamp } from './common.ts'
import { Offer, OffersCursor } from './offers.ts'

/** What registration accepts as a username: also the only spellings login can reach an account by. */
export const USERNAME_RULE = { minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' } as const
export const Username = Type.String({ ...USERNAME_RULE, description: '3–32 of A–Z a–z 0–9 _ . -', examples: ['alice'] })
export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['alice@example.com'] })
/** bcrypt stops at a NUL byte (it would silently cut the password there), and PostgreSQL text cannot hold one. */
const NO_NUL = '^[^\\u0000]*$'

/** Characters here; the 8–72 bytes in UTF-8 rule is checked by the service (bcrypt reads only 72 bytes). */
export const Password = Type.String({
  minLength: 2,
  maxLength: 72,
  pattern: NO_NUL,
  description: '8 to 72 bytes in UTF-8, no NUL character; longer is refused, never cut',
  examples: ['correct horse battery']
})

export const RegisterBody = Type.Object({
  username: Username,
  password: Password,
  email: Email
}, { additionalProperties: false })
export type RegisterBody = Static<typeof RegisterBody>

export const RegisteredUser = Type.Object({
  id: Id,
  username: Type.String(),
  email: Type.String(),
  created_at: Timestamp
})
export type RegisteredUser = Static<typeof RegisteredUser>

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  email: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp
}, { title: 'User' })
export type User = Static<typeof User>

export const UserWithOffers = Type.Object({
  id: Id,
  username: Type.String(),
  email: Type.Optional(Type.String({ description: 'Only when the caller is this user' })),
  created_at: Timestamp,
  updated_at: Timestamp,
  offers: Type.Array(Offer, { description: 'The newest offers, at most the configured number (default 100)' }),
  offers_next_cursor: Type.Union([OffersCursor, Type.Null()], {
    description: 'Continues with Offers\' GET /offers/?user_id=…&cursor=…; null when every offer is here'
  })
})
export type UserWithOffers = Static<typeof UserWithOffers>

export const UserSummary = Type.Object({ id: Id, username: Type.String(), created_at: Timestamp })
export const UsersPage = Type.Object({
  items: Type.Array(UserSummary),
  page_num: Type.Integer(),
  page_size: Type.Integer(),
  total: Type.Integer()
})
export type UsersPage = Static<typeof UsersPage>

export const UsersPageQuery = Type.Object({
  page_num: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
}, { additionalProperties: false })
export type UsersPageQuery = Static<typeof UsersPageQuery>

export const UserIdParams = Type.Object({ user_id: Id })
export type UserIdParams = Static<typeof UserIdParams>

export const PatchUserBody = Type.Object({
  username: Type.Optional(Username),
  email: Type.Optional(Email),
  password: Type.Optional(Password),
  current_password: Type.Optional(Type.String({ minLength: 1, maxLength: 72, pattern: NO_NUL }))
}, { additionalProperties: false, minProperties: 1 })
export type PatchUserBody = Static<typeof PatchUserBody>

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, pattern: NO_NUL }),
  password: Type.String({ minLength: 1, maxLength: 72, pattern: NO_NUL })
}, { additionalProperties: false })
export type LoginBody = Static<typeof LoginBody>

export const RefreshBody = Type.Object({
  refresh_token: Type.String({ minLength: 1, maxLength: 512 })
}, { additionalProperties: false })
export type RefreshBody = Static<typeof RefreshBody>

export const TokenPair = Type.Object({
  user_id: Id,
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' })
})
export type TokenPair = Static<typeof TokenPair>

export const Jwks = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(),
    crv: Type.String(),
    x: Type.String(),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.String()
  }))
})
export type Jwks = Static<typeof Jwks>
