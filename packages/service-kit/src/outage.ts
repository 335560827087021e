// Saying an outage of a dependency once: a warning at its first failure, one line when it answers again. The
// database pool (database.ts) and the Users service's shared limit store use it.

/** Where a watch reports: the app's logger or any logger of that shape. */
export interface OutageLog {
  warn: (details: object, message: string) => void
  info: (details: object, message: string) => void
}

/** A failure as a log line says it: its type, socket or server code, and message; never a stack or a query. */
export function briefError (err: Error): object {
  const { name: type, message, code } = err as Error & { code?: string }
  return { type, message, code }
}

export interface OutageWatch {
  /** A failure: the first one of an outage is logged, the rest are not. */
  failed: (err: Error) => void
  /** It answers: ends an outage (logged with how long it lasted, plus `details`), or does nothing. */
  answered: (details?: object) => void
  readonly down: boolean
}

export interface OutageMessages {
  /** e.g. "database unavailable" */
  down: string
  /** e.g. "database answers again" */
  up: string
}

export function outageWatch (log: OutageLog, messages: OutageMessages, onEnd: () => void = () => {}): OutageWatch {
  let since: number | undefined
  return {
    failed (err) {
      if (since !== undefined) return
      since = Date.now()
      log.warn({ err: briefError(err) }, messages.down)
    },
    answered (details = {}) {
      if (since === undefined) return
      log.info({ unavailableMs: Date.now() - since, ...details }, messages.up)
      since = undefined
      onEnd()
    },
    get down () { return since !== undefined }
  }
}
