// Where a request comes from, as sessions and audit events record it: client address, user agent, request id.

/** The parts of a Fastify request that name its client (a plain object in unit tests). */
export interface Requester {
  id: string
  ip: string
  headers: { 'user-agent'?: string | undefined }
}

export interface Origin {
  ip: string | null
  user_agent: string | null
  request_id: string | null
}

/** A user agent is the client's to choose: stored up to this many characters, so no client can bloat a row. */
export const USER_AGENT_MAX = 256

export function originOf (request: Requester): Origin {
  const agent = request.headers['user-agent']
  return {
    ip: request.ip,
    // PostgreSQL text cannot hold NUL; Node's parser refuses it in headers already, this keeps it so
    user_agent: agent ? agent.replaceAll('\u0000', '').slice(0, USER_AGENT_MAX) : null,
    request_id: request.id
  }
}
