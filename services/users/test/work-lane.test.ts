// Unit: the bounded lane in front of bcrypt — at most N running, at most M waiting, the rest refused at once.
import t from 'tap'
import { createLane } from '../src/auth/work-lane.ts'

t.test('runs up to maxInFlight at once, queues up to maxQueue, refuses the rest without waiting', async (t) => {
  const lane = createLane({ maxInFlight: 2, maxQueue: 1, full: () => new Error('full') })
  let running = 0
  let most = 0
  const releases: Array<() => void> = []
  const job = () => lane.run(async () => {
    running++
    most = Math.max(most, running)
    await new Promise<void>((resolve) => releases.push(resolve))
    running--
  })
  const jobs = [job(), job(), job()]
  await t.rejects(job(), { message: 'full' }, 'a fourth job is refused at once')
  t.equal(lane.queued(), 1)
  while (releases.length) {
    releases.shift()!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  await Promise.all(jobs)
  t.equal(most, 2, 'never more than two at once')
  t.equal(lane.queued(), 0)
})

t.test('a failing job frees its place', async (t) => {
  const lane = createLane({ maxInFlight: 1, maxQueue: 0, full: () => new Error('full') })
  await t.rejects(lane.run(async () => { throw new Error('boom') }), { message: 'boom' })
  t.equal(await lane.run(async () => 'next'), 'next')
})
