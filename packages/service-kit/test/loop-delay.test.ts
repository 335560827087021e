// The opt-in event-loop delay report: off by default, strict about its flag, one log line per signal.
import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { loopStatsEnabled, reportLoopDelayOnSignal } from '../src/server.ts'

t.test('EVENT_LOOP_STATS is off unless 1, and a bad value names the variable', async (t) => {
  t.equal(loopStatsEnabled({}), false)
  t.equal(loopStatsEnabled({ EVENT_LOOP_STATS: '0' }), false)
  t.equal(loopStatsEnabled({ EVENT_LOOP_STATS: '1' }), true)
  t.throws(() => loopStatsEnabled({ EVENT_LOOP_STATS: 'yes' }), /EVENT_LOOP_STATS/)
})

t.test('each signal logs the delay percentiles since the previous one', async (t) => {
  const lines: Array<{ obj: Record<string, unknown>, msg: string }> = []
  const info = (obj: Record<string, unknown>, msg: string) => { lines.push({ obj, msg }) }
  const log = { info, child: () => log } as unknown as FastifyBaseLogger
  const stop = reportLoopDelayOnSignal(log, 'SIGUSR2')
  t.teardown(stop)
  await new Promise((resolve) => setTimeout(resolve, 100))
  process.kill(process.pid, 'SIGUSR2')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(lines.length, 1)
  t.equal(lines[0]?.msg, 'event loop delay')
  t.match(lines[0]?.obj, { eventLoopDelay: { p50_ms: Number, p99_ms: Number, max_ms: Number, samples: Number } })
})
