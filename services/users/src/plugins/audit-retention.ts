// Audit retention: every AUDIT_SWEEP_INTERVAL_SECONDS, events older than AUDIT_RETENTION_DAYS are deleted in
// batches of AUDIT_SWEEP_BATCH rows, each its own short statement, so no lock is held for long. `app.auditRetention`
// runs a sweep on demand (tests, operators); the timer stops with the app.
import fp from 'fastify-plugin'
import type { AuditRepository } from '../audit/audit.repository.ts'

declare module 'fastify' {
  interface FastifyInstance {
    auditRetention: { sweep: () => Promise<number> }
  }
}

export interface AuditRetentionOptions {
  audit: Pick<AuditRepository, 'sweep'>
  retentionDays: number
  intervalSeconds: number
  batch: number
}

export const auditRetentionPlugin = fp<AuditRetentionOptions>(async (app, opts) => {
  let closing = false
  const stopped = () => closing
  let running: Promise<number> | undefined

  async function sweepAll (): Promise<number> {
    let removed = 0
    // a batch that comes back short means nothing older is left (or another replica holds the rest)
    let full = true
    while (full && !stopped()) {
      const n = await opts.audit.sweep(opts.retentionDays, opts.batch)
      removed += n
      full = n === opts.batch
    }
    if (removed) app.log.info({ removed, retentionDays: opts.retentionDays }, 'old audit events removed')
    return removed
  }

  /** One sweep at a time: a timer tick while one runs waits for it rather than starting another. */
  function sweep (): Promise<number> {
    running ??= sweepAll().finally(() => { running = undefined })
    return running
  }

  const timer = setInterval(() => {
    // the database may be away (an outage is logged once by the pool); the next tick tries again
    sweep().catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'audit sweep failed'))
  }, opts.intervalSeconds * 1000)
  timer.unref()

  app.decorate('auditRetention', { sweep })
  app.addHook('onClose', async () => {
    closing = true
    clearInterval(timer)
    await running?.catch(() => {})
  })
}, { name: 'audit-retention' })
