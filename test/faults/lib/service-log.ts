// A service's own account of a shutdown, read from its JSON log lines: when it took the signal, and each request it
// answered with the latest moment it can have been received.

export interface LoggedRequest {
  status: number
  /** the latest epoch ms at which the service can have received the request (its log has whole ms) */
  receivedBy: number
  /** the earliest epoch ms at which it can have answered */
  answeredFrom: number
}

export interface ShutdownLog {
  /** the earliest epoch ms at which the service can have taken the signal ("shutting down") */
  signalFrom: number | undefined
  /** by x-request-id */
  requests: Map<string, LoggedRequest>
}

interface Line {
  msg?: string
  time?: number
  reqId?: string
  responseTime?: number
  res?: { statusCode?: number }
}

export function readShutdownLog (output: string): ShutdownLog {
  const requests = new Map<string, LoggedRequest>()
  let signalFrom: number | undefined
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue
    const line = JSON.parse(text) as Line
    if (line.msg === 'shutting down' && signalFrom === undefined) signalFrom = line.time
    if (line.msg === 'request completed' && line.reqId && line.time !== undefined) {
      // pino's time is whole ms, cut down: the answer left before time + 1, so it came in before that less the
      // time the service spent on it
      requests.set(line.reqId, {
        status: line.res?.statusCode ?? 0,
        receivedBy: line.time + 1 - (line.responseTime ?? 0),
        answeredFrom: line.time
      })
    }
  }
  return { signalFrom, requests }
}
