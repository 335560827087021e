// Each way a call to Offers ends has its outcome name, told once per call with its duration.
import t from 'tap'
import { OffersClientError, outcomeOf } from '../src/index.ts'
import { observed, type OffersCallOutcome } from '../src/outcomes.ts'

t.test('failures map onto the metrics\' outcomes', async (t) => {
  t.equal(outcomeOf(new OffersClientError('timeout', 'late')), 'timeout')
  t.equal(outcomeOf(new OffersClientError('transport', 'refused')), 'connect_error')
  t.equal(outcomeOf(new OffersClientError('status', '500', 500)), 'bad_status')
  t.equal(outcomeOf(new OffersClientError('invalid_body', 'not JSON', 200)), 'invalid_body')
  t.equal(outcomeOf(new Error('anything else')), 'connect_error')
})

t.test('observed tells each call once, passing results and errors through', async (t) => {
  const told: Array<[OffersCallOutcome, number]> = []
  const call = observed(async (fail: boolean) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    if (fail) throw new OffersClientError('status', 'Offers answered 502', 502)
    return 'offers'
  }, (outcome, seconds) => told.push([outcome, seconds]))
  t.equal(await call(false), 'offers')
  await t.rejects(call(true), { name: 'OffersClientError', message: 'Offers answered 502' })
  t.same(told.map(([o]) => o), ['ok', 'bad_status'])
  t.ok(told.every(([, s]) => s >= 0.015 && s < 5), 'durations in seconds')
  const plain = async () => 1
  t.equal(observed(plain, undefined), plain, 'nobody to tell: the call as it is')
})
