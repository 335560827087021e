// infra/observability as code: promtool checks the rules, the example scrape config and the alerts' unit tests; the
// dashboard parses. (That every metric they read is exposed: metrics.test.ts, against the running services.)
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { alertRules, dashboard, metricNames, observabilityDir, prometheusBinary } from './promql.ts'

const run = promisify(execFile)
const promtool = prometheusBinary('promtool')

t.test('promtool: the rules, their unit tests and the example scrape config', { skip: !promtool }, async (t) => {
  for (const args of [['check', 'rules', 'alerts.yml'], ['test', 'rules', 'alerts.test.yml'],
    ['check', 'config', 'prometheus.yml']]) {
    const { stdout } = await run(promtool!, args, { cwd: observabilityDir })
    t.match(stdout, /SUCCESS/, `promtool ${args.join(' ')}`)
  }
})

t.test('the alerts the issue asks for are there', async (t) => {
  const names = alertRules().map((r) => r.alert)
  for (const alert of ['HighServerErrorRate', 'HighLatencyP99', 'OffersClientFailures', 'LoginLockoutSpike',
    'RefreshTokenReuse', 'DatabasePoolSaturated']) t.ok(names.includes(alert), alert)
})

t.test('the dashboard parses, and each panel queries something', async (t) => {
  const board = dashboard()
  t.equal(board.uid, 'classifieds-services')
  t.ok(board.panels.length >= 10)
  for (const panel of board.panels) t.ok(panel.targets.length && panel.targets.every((q) => q.expr), panel.title)
})

t.test('metricNames reads selectors, not functions, labels or groupings', async (t) => {
  t.same(metricNames('histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{route!="x"}[5m]))) > 1'), ['a_bucket'])
  t.same(metricNames('b >= c and on (instance) d == 0'), ['b', 'c', 'd'])
})
