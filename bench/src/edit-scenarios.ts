// The owner's PATCH and DELETE /offer/{offer_id}/: offers of the reader made for them right before each run, so that
// every request, warm-ups included, hits an offer the reader owns and (for DELETE) that still exists.
import { sql } from 'kysely'
import type { Scenario } from './scenarios.ts'
import type { SeedDb } from './seed.ts'

export interface EditContext {
  db: SeedDb
  /** the seeded user whose token the load carries */
  reader: { token: string, userId: number }
  /** warm-up plus recorded seconds: how long DELETE must find offers */
  loadSeconds: number
}

/** Offers PATCH cycles over: enough rows that 10 connections seldom wait on one row's lock. */
const EDITED_OFFERS = 1_000
/** More deletes per second than this machine's bare server could answer: the pool does not run dry. */
const DELETES_PER_SECOND_CEILING = 8_000

/** `count` offers of the user in one statement; their ids, in order. */
async function ownedOffers (db: SeedDb, userId: number, count: number, title: string): Promise<number[]> {
  await db.insertInto('offers.offers')
    .columns(['user_id', 'title', 'text'])
    .expression((eb) => eb.selectFrom(sql<{ n: number }>`generate_series(1, ${count}::int)`.as('n'))
      .select((s) => [
        s.cast<number>(s.val(userId), 'bigint').as('user_id'),
        s.cast<string>(s.val(title), 'text').as('title'),
        s.fn<string>('concat', [sql.lit('Made by the benchmark to be changed or removed: '), s.ref('n')]).as('text')
      ]))
    .execute()
  const rows = await db.selectFrom('offers.offers').select('id')
    .where('user_id', '=', userId).where('title', '=', title).orderBy('id').execute()
  return rows.map((r) => Number(r.id))
}

const anOffer = (userId: number) => (b: any) => b?.user_id === userId && typeof b?.updated_at === 'string'
  ? undefined
  : `expected an offer of user ${userId}, got ${JSON.stringify(b).slice(0, 200)}`

export function editScenarios ({ db, reader, loadSeconds }: EditContext): Scenario[] {
  let edited: number[] = []
  let doomed: number[] = []
  // DELETE takes the next id whatever `i` is: the pre-flight, warm-up and recorded run each count from 0
  let deleted = 0
  return [
    {
      name: 'offer_patch',
      route: 'PATCH /offer/{offer_id}/',
      service: 'offers',
      token: reader.token,
      prepare: async () => { edited = await ownedOffers(db, reader.userId, EDITED_OFFERS, 'Bench offer to edit') },
      next: (i) => ({
        method: 'PATCH',
        path: `/offer/${edited[i % edited.length]}/`,
        body: { title: `Edited by the benchmark, run ${i}` }
      }),
      expect: { status: 200, check: anOffer(reader.userId) },
      ratioOf: 'bare'
    },
    {
      name: 'offer_delete',
      route: 'DELETE /offer/{offer_id}/',
      service: 'offers',
      token: reader.token,
      prepare: async () => {
        const count = Math.ceil((loadSeconds + 2) * DELETES_PER_SECOND_CEILING)
        doomed = await ownedOffers(db, reader.userId, count, 'Bench offer to delete')
        deleted = 0
      },
      // past the pool's end the id is one no offer has: a 404 that the run reports as non-2xx
      next: () => ({ method: 'DELETE', path: `/offer/${doomed[deleted++] ?? 0x7fffffff}/` }),
      expect: { status: 204 },
      ratioOf: 'bare'
    }
  ]
}
