// The Users service's sessions (one per refresh-token family) and the audit trail a user reads of their account.
import { Type, type Static } from 'typebox'
import { Timestamp } from './common.ts'

export const SessionId = Type.String({
  format: 'uuid',
  description: 'The session (refresh-token family); access tokens name it in their `sid` claim',
  examples: ['0b7e8a3e-6f43-4c53-9a53-2f3bd1a1c2f0']
})

export const Session = Type.Object({
  id: SessionId,
  created_at: Timestamp,
  last_used_at: Type.String({ format: 'date-time', description: 'The last login or refresh of this session' }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'Client address of the last login or refresh' }),
  user_agent: Type.Union([Type.String(), Type.Null()], { description: 'As sent, at most 256 characters' }),
  current: Type.Boolean({ description: 'The session of the access token this list was asked with' })
})
export type Session = Static<typeof Session>

export const SessionList = Type.Object({ items: Type.Array(Session) })
export type SessionList = Static<typeof SessionList>

export const SessionIdParams = Type.Object({ session_id: SessionId })
export type SessionIdParams = Static<typeof SessionIdParams>

export const AUDIT_EVENT_TYPES = [
  'registered', 'login_succeeded', 'login_failed', 'login_locked', 'refresh_reuse_detected', 'password_changed',
  'logout', 'session_ended', 'account_deleted'
] as const
export const AuditEventType = Type.Enum(AUDIT_EVENT_TYPES)
export type AuditEventType = typeof AUDIT_EVENT_TYPES[number]

export const AuditEvent = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  type: AuditEventType,
  at: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What else the event knows (a failure\'s `reason`, a `session_id`); never a secret'
  })
})
export type AuditEvent = Static<typeof AuditEvent>

export const AuditPage = Type.Object({
  items: Type.Array(AuditEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'The next (older) page, or null' })
})
export type AuditPage = Static<typeof AuditPage>

export const AuditPageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Opaque: a `next_cursor`' }))
}, { additionalProperties: false })
export type AuditPageQuery = Static<typeof AuditPageQuery>
