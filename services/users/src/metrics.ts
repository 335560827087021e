// The Users service's own metrics, made with app.metrics (service-kit metrics.ts; no-ops with metrics off): logins by
// outcome, refresh-token reuse, bcrypt's queue and wait, and the calls to Offers. One call per event where it happens.
import type { Metrics } from '@app/service-kit'
import type { OffersCallOutcome } from '@app/offers-client'

export type LoginOutcome = 'ok' | 'wrong_credentials' | 'locked' | 'rate_limited'

/** The refusals of POST /user/auth/ that are a login outcome, by their problem code; others (400, 503) are not. */
const refusals: Record<string, LoginOutcome> = {
  INVALID_CREDENTIALS: 'wrong_credentials',
  TOO_MANY_FAILED_LOGINS: 'locked',
  TOO_MANY_REQUESTS: 'rate_limited'
}

export interface UsersMetrics {
  login: (outcome: LoginOutcome) => void
  /** a refused login, by the error it was refused with */
  loginRefused: (err: unknown) => void
  refreshReuse: () => void
  /** seconds a bcrypt job waited for the lane */
  bcryptWait: (seconds: number) => void
  /** what the queue-depth gauge reads at each scrape */
  watchBcryptQueue: (queued: () => number) => void
  offersCall: (outcome: OffersCallOutcome, seconds: number) => void
}

export function usersMetrics (metrics: Metrics): UsersMetrics {
  const logins = metrics.counter({
    name: 'users_logins_total',
    help: 'Login attempts (POST /user/auth/) by outcome: ok, wrong_credentials, locked (too many failures for ' +
      'the account), rate_limited (too many attempts from the address).',
    labelNames: ['outcome'] as const,
    series: (['ok', 'wrong_credentials', 'locked', 'rate_limited'] as const).map((outcome) => ({ outcome }))
  })
  const reuse = metrics.counter({
    name: 'users_refresh_reuse_detected_total',
    help: 'Used refresh tokens presented again; each revoked its whole session.'
  })
  let queued = () => 0
  metrics.gauge({
    name: 'users_bcrypt_queue_depth',
    help: 'Password hashes and checks waiting for the bcrypt lane.',
    read: () => queued()
  })
  const wait = metrics.histogram({
    name: 'users_bcrypt_wait_seconds',
    help: 'Time a password hash or check waited for the bcrypt lane before it ran.',
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5]
  })
  const offersCalls = metrics.counter({
    name: 'offers_client_requests_total',
    help: 'Calls from Users to the Offers service by outcome.',
    labelNames: ['outcome'] as const,
    series: (['ok', 'timeout', 'connect_error', 'bad_status', 'invalid_body', 'too_large'] as const)
      .map((outcome) => ({ outcome }))
  })
  const offersDuration = metrics.histogram({
    name: 'offers_client_request_duration_seconds',
    help: 'Duration of calls from Users to the Offers service, connect to last byte, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
  })
  return {
    login: (outcome) => logins.inc({ outcome }),
    loginRefused (err) {
      const outcome = refusals[String((err as { code?: unknown }).code)]
      if (outcome) logins.inc({ outcome })
    },
    refreshReuse: () => reuse.inc(),
    bcryptWait: (seconds) => wait.observe(seconds),
    watchBcryptQueue (read) { queued = read },
    offersCall (outcome, seconds) {
      offersCalls.inc({ outcome })
      offersDuration.observe({ outcome }, seconds)
    }
  }
}
