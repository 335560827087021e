// Scale: offers by user and the users pages at 1 000 and at 1 000 000 rows, re-seeded set-based in the same
// database.
import { log } from './log.ts'
import { measure, type MeasureContext, type ScenarioResult } from './measure.ts'
import { offersByUserScenario, usersPageScenarios } from './scenarios.ts'
import { grow, OFFERS_PER_USER, PASSWORD, seeded, truncateAll, username, type SeedDb } from './seed.ts'

/** Rows in users.users and in offers.offers at each level; a tenth of the users have OFFERS_PER_USER offers. */
export const levels = [{ label: '1k', rows: 1_000 }, { label: '1m', rows: 1_000_000 }] as const

type Filter = (scenario: { name: string }) => boolean

async function measureLevel (
  label: string, db: SeedDb, ctx: MeasureContext, selected: Filter
): Promise<Record<string, ScenarioResult>> {
  const now = await seeded(db)
  const reader = await ctx.http.readerToken(ctx.services.users.origin, username(1), PASSWORD, now.users.minId)
  const withOffers: [number, number] = [now.users.minId, now.users.minId + now.offers.count / OFFERS_PER_USER - 1]
  const scenarios = [offersByUserScenario('offers_by_user', now, withOffers), ...usersPageScenarios(reader.token, now)]
  const results: Record<string, ScenarioResult> = {}
  for (const scenario of scenarios.map((s) => ({ ...s, name: `scale_${s.name}_${label}` })).filter(selected)) {
    results[scenario.name] = await measure(scenario, ctx)
  }
  return results
}

/** Truncates what the main scenarios used; each level adds rows to the one before. */
export async function scale (
  db: SeedDb, passwordHash: string, ctx: MeasureContext, selected: Filter
): Promise<Record<string, ScenarioResult>> {
  const results: Record<string, ScenarioResult> = {}
  const names = levels.flatMap(({ label }) =>
    ['offers_by_user', 'users_page_first', 'users_page_last'].map((n) => `scale_${n}_${label}`))
  if (!names.some((name) => selected({ name }))) return results
  await truncateAll(db)
  let rows = 0
  for (const { label, rows: target } of levels) {
    const started = Date.now()
    await grow(db, [rows + 1, target], [rows / OFFERS_PER_USER + 1, target / OFFERS_PER_USER], passwordHash)
    log(`scale: ${target.toLocaleString('en-US')} users and offers seeded in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`)
    rows = target
    Object.assign(results, await measureLevel(label, db, ctx, selected))
  }
  return results
}
