// A user's sessions: list them (marking the one the caller's access token belongs to), end one, end all others.
// Each ended session is a `session_ended` audit event in the same transaction.
import type { SessionList } from '@app/contracts'
import { originOf, type Requester } from '../audit/origin.ts'
import type { Store } from '../db/store.ts'
import { errors } from '../errors.ts'

/** The caller as an access token names them: their user, and the session (`sid`) it was issued in. */
export interface Caller extends Requester {
  userId: number
  sessionId: string | undefined
}

export interface SessionsService {
  list: (caller: Caller) => Promise<SessionList>
  end: (caller: Caller, sessionId: string) => Promise<void>
  endOthers: (caller: Caller) => Promise<void>
}

/** A list has a bound: a script that logs in without end still gets an answer of bounded size. */
export const MAX_SESSIONS_LISTED = 100

export function createSessionsService (store: Store): SessionsService {
  const ended = (caller: Caller, ids: string[]) => ids.map((id) => ({
    type: 'session_ended' as const,
    user_id: caller.userId,
    detail: { session_id: id, ...(id === caller.sessionId ? { current: true } : {}) }
  }))
  return {
    async list (caller) {
      const rows = await store.sessions.list(caller.userId, MAX_SESSIONS_LISTED)
      return {
        items: rows.map((r) => ({
          id: r.family_id,
          created_at: r.session_created_at.toISOString(),
          last_used_at: r.created_at.toISOString(),
          ip: r.ip,
          user_agent: r.user_agent,
          current: r.family_id === caller.sessionId
        }))
      }
    },

    async end (caller, sessionId) {
      const found = await store.transaction(async (trx) => {
        if (!await trx.sessions.end(caller.userId, sessionId)) return false
        await trx.audit.insert(ended(caller, [sessionId]), originOf(caller))
        return true
      })
      // another user's session is as unknown as one that never was: nothing tells them apart
      if (!found) throw errors.sessionNotFound()
    },

    async endOthers (caller) {
      await store.transaction(async (trx) => {
        const ids = await trx.sessions.endOthers(caller.userId, caller.sessionId)
        await trx.audit.insert(ended(caller, ids), originOf(caller))
      })
    }
  }
}
