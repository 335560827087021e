// GET /offers/ at depth: one seller with 100 000 offers, their first and last page against a user with 10 offers.
import { encodeCursor } from '@app/offers/cursor'
import { sql } from 'kysely'
import { log } from './log.ts'
import { measure, type MeasureContext, type ScenarioResult } from './measure.ts'
import { spread, type Scenario } from './scenarios.ts'
import { analyze, OFFERS_PER_USER, type SeedDb, type Seeded } from './seed.ts'

export const SELLER_OFFERS = 100_000
/** GET /offers/'s default page size: what a client that sends no limit gets */
const PAGE = 20
/** the reference the deep pages are divided by (mean latency) */
export const PAGE_REFERENCE = 'offers_page_10'
export const DEEP_PAGES = ['offers_page_first_100k', 'offers_page_last_100k']

interface Seller { userId: number, lastPageCursor: string }

/** The seller and their offers, one second apart, in one statement; the cursor that leads to their last page. */
async function seedSeller (db: SeedDb, passwordHash: string): Promise<Seller> {
  const { id } = await db.insertInto('users.users')
    .values({ username: 'bench_seller', email: 'bench_seller@example.test', password_hash: passwordHash })
    .returning('id').executeTakeFirstOrThrow()
  const userId = Number(id)
  await db.insertInto('offers.offers')
    .columns(['user_id', 'title', 'text', 'created_at'])
    .expression((eb) => eb.selectFrom(sql<{ k: number }>`generate_series(1, ${SELLER_OFFERS}::int)`.as('k'))
      .select((s) => [
        sql<number>`${userId}::bigint`.as('user_id'),
        s.fn<string>('concat', [sql.lit('Offer '), s.ref('k'), sql.lit(' of bench_seller')]).as('title'),
        s.fn<string>('concat', [
          sql.lit('A bicycle in good condition, lightly used, collect in person. Item '),
          s.ref('k')
        ]).as('text'),
        sql<Date>`now() - make_interval(secs => ${SELLER_OFFERS}::int - k)`.as('created_at')
      ]))
    .execute()
  await analyze(db)
  // the row just before the last PAGE, as the service writes a position: microseconds, UTC
  const before = await db.selectFrom('offers.offers')
    .select(['id', sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at')])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .offset(SELLER_OFFERS - PAGE - 1).limit(1)
    .executeTakeFirstOrThrow()
  return { userId, lastPageCursor: encodeCursor(userId, { createdAt: before.at, id: Number(before.id) }) }
}

const pageOf = (items: number, last: boolean) => (b: any) =>
  b?.items?.length === items && (b.next_cursor === null) === last
    ? undefined
    : `expected ${items} offers${last ? ', the last page' : ' and a next_cursor'}, ` +
      `got ${JSON.stringify(b).slice(0, 200)}`

function scenarios (seeded: Seeded, seller: Seller): Scenario[] {
  // not the reader (user 1), whose offers offer_create has added to
  const userId = spread(seeded.users.minId + 1, seeded.users.maxId)
  const list = (name: string, path: (i: number) => string, check: (b: any) => string | undefined): Scenario => ({
    name,
    route: 'GET /offers/?user_id=',
    service: 'offers',
    next: (i) => ({ method: 'GET', path: path(i) }),
    expect: { status: 200, check },
    ratioOf: 'bare'
  })
  return [
    {
      ...list(PAGE_REFERENCE, (i) => `/offers/?user_id=${userId(i)}`, pageOf(OFFERS_PER_USER, true)),
      route: `GET /offers/?user_id= (${OFFERS_PER_USER} offers: one page)`
    },
    {
      ...list(DEEP_PAGES[0]!, () => `/offers/?user_id=${seller.userId}`, pageOf(PAGE, false)),
      route: `GET /offers/?user_id= (first page of ${SELLER_OFFERS.toLocaleString('en-US')})`
    },
    {
      ...list(DEEP_PAGES[1]!, () => `/offers/?user_id=${seller.userId}&cursor=${seller.lastPageCursor}`,
        pageOf(PAGE, true)),
      route: `GET /offers/?user_id=&cursor= (last page of ${SELLER_OFFERS.toLocaleString('en-US')})`
    }
  ]
}

/** Seeds the seller (after the main scenarios, whose checks count users and offers) and measures the three pages. */
export async function measurePages (
  db: SeedDb, passwordHash: string, seeded: Seeded, ctx: MeasureContext, selected: (s: { name: string }) => boolean
): Promise<Record<string, ScenarioResult>> {
  const results: Record<string, ScenarioResult> = {}
  if (![PAGE_REFERENCE, ...DEEP_PAGES].some((name) => selected({ name }))) return results
  const started = Date.now()
  const seller = await seedSeller(db, passwordHash)
  log(`pages: one seller with ${SELLER_OFFERS.toLocaleString('en-US')} offers seeded in ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s`)
  for (const scenario of scenarios(seeded, seller).filter(selected)) {
    results[scenario.name] = await measure(scenario, ctx)
  }
  return results
}
