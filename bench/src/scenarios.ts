// The measured routes: what each request of a run is, and what a correct answer looks like before the load starts.
import type { Target } from './load.ts'
import { OFFERS_PER_USER, PASSWORD, username, type Seeded } from './seed.ts'

export interface Scenario {
  name: string
  /** the route as the contract writes it */
  route: string
  /** usersRedis: the second Users, whose limits are in Redis; usersMetrics: the pair with metrics on (processes.ts);
   * usersTraced: the pair with tracing on (traced.ts) */
  service: 'users' | 'offers' | 'usersRedis' | 'usersMetrics' | 'usersTraced'
  token?: string
  next: (i: number) => Target
  /** the status of a correct answer, and what else must hold of its body (a message when it does not) */
  expect: { status: number, check?: (body: any) => string | undefined }
  /** what the ratio divides by: the bare server's rps, or bcrypt's hashes per second */
  ratioOf: 'bare' | 'bcrypt'
  timeoutSeconds?: number
  /** where the requests go when not straight to the service: the balancer's frontend */
  origin?: string
  /** rows the scenario needs, made right before its pre-flight call */
  prepare?: () => Promise<void>
}

/** Visits every id of [min, max] in a scattered order (7919 is prime), so no run walks one index page. */
export function spread (min: number, max: number): (i: number) => number {
  const count = max - min + 1
  return (i) => min + ((i * 7919) % count)
}

const PAGE_SIZE = 20

const offersOf = (n: number) => (body: any) =>
  Array.isArray(body) && body.length === n
    ? undefined
    : `expected ${n} offers, got ${JSON.stringify(body).slice(0, 200)}`

function usersPage (name: string, pageNum: number, token: string, seeded: Seeded): Scenario {
  return {
    name,
    route: `GET /users/?page_num=${pageNum}&page_size=${PAGE_SIZE}`,
    service: 'users',
    token,
    next: () => ({ method: 'GET', path: `/users/?page_num=${pageNum}&page_size=${PAGE_SIZE}` }),
    expect: {
      status: 200,
      check: (b) => b?.items?.length === PAGE_SIZE && b.total === seeded.users.count
        ? undefined
        : `expected ${PAGE_SIZE} items of ${seeded.users.count}, got ${JSON.stringify(b).slice(0, 200)}`
    },
    ratioOf: 'bare'
  }
}

/** The page before the last full one: deep OFFSET-style paging is what grows with the table. */
export const nearLastPage = (users: number) => Math.max(1, Math.floor(users / PAGE_SIZE) - 1)

export function usersPageScenarios (token: string, seeded: Seeded): Scenario[] {
  return [
    usersPage('users_page_first', 1, token, seeded),
    usersPage('users_page_last', nearLastPage(seeded.users.count), token, seeded)
  ]
}

export function offersByUserScenario (name: string, seeded: Seeded, usersWithOffers: [number, number]): Scenario {
  const userId = spread(...usersWithOffers)
  return {
    name,
    route: 'POST /offer/ {user_id}',
    service: 'offers',
    next: (i) => ({ method: 'POST', path: '/offer/', body: { user_id: userId(i) } }),
    expect: { status: 200, check: offersOf(OFFERS_PER_USER) },
    ratioOf: 'bare'
  }
}

/** user_get on a Users and an Offers with metrics on (scraped every second): run.ts starts them when selected. */
export const METRICS_SCENARIO = 'user_get_metrics'

/** The auth scenario on a Users whose limits are in Redis: run.ts starts that Users only when it is selected. */
export const REDIS_SCENARIO = 'user_auth_redis'

export interface MainContext {
  seeded: Seeded
  /** a seeded user's token: reads with it, and creates offers as that user */
  reader: { token: string, userId: number }
}

export function mainScenarios ({ seeded, reader }: MainContext): Scenario[] {
  const userId = spread(seeded.users.minId, seeded.users.maxId)
  const offerId = spread(seeded.offers.minId, seeded.offers.maxId)
  const userNumber = spread(1, seeded.users.count)
  const auth: Scenario = {
    name: 'user_auth',
    route: 'POST /user/auth/',
    service: 'users',
    next: (i) => ({
      method: 'POST',
      path: '/user/auth/',
      body: { username: username(userNumber(i)), password: PASSWORD }
    }),
    expect: {
      status: 200,
      check: (b) => typeof b?.access_token === 'string'
        ? undefined
        : `expected a token pair, got ${JSON.stringify(b).slice(0, 200)}`
    },
    ratioOf: 'bcrypt',
    // every request waits for a cost-12 hash behind the others: seconds, not milliseconds
    timeoutSeconds: 60
  }
  const userGet: Scenario = {
    name: 'user_get',
    route: 'GET /user/{id}/',
    service: 'users',
    token: reader.token,
    next: (i) => ({ method: 'GET', path: `/user/${userId(i)}/` }),
    expect: { status: 200, check: (b) => offersOf(OFFERS_PER_USER)(b?.offers) },
    ratioOf: 'bare'
  }
  return [
    userGet,
    { ...userGet, name: METRICS_SCENARIO, route: 'GET /user/{id}/ (metrics on)', service: 'usersMetrics' },
    offersByUserScenario('offers_by_user', seeded, [seeded.users.minId, seeded.users.maxId]),
    {
      name: 'offer_by_id',
      route: 'POST /offer/ {offer_id}',
      service: 'offers',
      next: (i) => ({ method: 'POST', path: '/offer/', body: { offer_id: offerId(i) } }),
      expect: {
        status: 200,
        check: (b) => typeof b?.id === 'number'
          ? undefined
          : `expected an offer, got ${JSON.stringify(b).slice(0, 200)}`
      },
      ratioOf: 'bare'
    },
    {
      name: 'offer_create',
      route: 'POST /offer/create/',
      service: 'offers',
      token: reader.token,
      next: (i) => ({
        method: 'POST',
        path: '/offer/create/',
        body: {
          user_id: reader.userId,
          title: `Bench offer ${i}`,
          text: 'Made by the benchmark: a chair, a table and four legs.'
        }
      }),
      expect: {
        status: 201,
        check: (b) => b?.user_id === reader.userId
          ? undefined
          : `expected an offer of user ${reader.userId}, got ${JSON.stringify(b).slice(0, 200)}`
      },
      ratioOf: 'bare'
    },
    ...accountScenarios(reader),
    auth,
    // "login limit check with Redis": the same logins on a Users whose limits are in Redis (three round trips each:
    // the address count, the failure limits, the success taken back)
    { ...auth, name: REDIS_SCENARIO, route: 'POST /user/auth/ (limits in Redis)', service: 'usersRedis' },
    ...usersPageScenarios(reader.token, seeded)
  ]
}

/** The reader's own sessions and the newest page of their audit trail (the reader's login is in both). */
function accountScenarios (reader: MainContext['reader']): Scenario[] {
  const listed = (what: string, check: (b: any) => boolean) => (b: any) => check(b)
    ? undefined
    : `expected ${what}, got ${JSON.stringify(b).slice(0, 200)}`
  return [
    {
      name: 'sessions_list',
      route: 'GET /user/auth/sessions/',
      service: 'users',
      token: reader.token,
      next: () => ({ method: 'GET', path: '/user/auth/sessions/' }),
      expect: {
        status: 200,
        check: listed('the current session', (b) => b?.items?.some((s: any) => s.current === true))
      },
      ratioOf: 'bare'
    },
    {
      name: 'audit_page',
      route: 'GET /user/{id}/audit/?limit=20',
      service: 'users',
      token: reader.token,
      next: () => ({ method: 'GET', path: `/user/${reader.userId}/audit/?limit=20` }),
      expect: {
        status: 200,
        check: listed('the reader\'s login event', (b) => b?.items?.some((e: any) => e.type === 'login_succeeded'))
      },
      ratioOf: 'bare'
    }
  ]
}

export const USER_GET_LB = 'user_get_lb'

/**
 * A scenario as is, but through HAProxy in front of the service (TLS terminated and re-encrypted, X-Forwarded-For):
 * the balancer's hop is the difference.
 */
export function throughBalancer (scenario: Scenario, name: string, origin: string): Scenario {
  return { ...scenario, name, route: `${scenario.route} via HAProxy`, origin }
}
