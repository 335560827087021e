// user_get_traced: GET /user/{id}/ on a second pair of the services with tracing on, every request sampled, exporting
// OTLP over HTTP (protobuf, the SDK's default) to a receiver the bench runs; beside user_get it is what tracing costs.
import { startOtlpReceiver, type OtlpReceiver } from '@app/devstack'
import type { Cleanup } from './cleanup.ts'
import type { BenchOptions } from './options.ts'
import { startServices, type RunningProcess, type StackFiles } from './processes.ts'
import type { Scenario } from './scenarios.ts'

export const TRACED_SCENARIO = 'user_get_traced'

export interface TracedServices {
  users: RunningProcess
  offers: RunningProcess
  /** where both export; it answers every export and counts them */
  receiver: OtlpReceiver
}

/** The receiver first (the services export to it until they have stopped: the cleanup runs last-in first-out). */
export async function startTracedServices (
  cleanup: Cleanup, urls: { users: string, offers: string }, files: StackFiles,
  options: Pick<BenchOptions, 'nodeArgs' | 'profileDir'>
): Promise<TracedServices> {
  const receiver = await startOtlpReceiver()
  cleanup.defer('the OTLP receiver', () => receiver.close())
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }
  const pair = await startServices(cleanup, urls, files, options, { suffix: '_traced', env })
  return { ...pair, receiver }
}

/** user_get as is, on the traced Users (which calls the traced Offers). */
export function tracedScenario (userGet: Scenario): Scenario {
  return { ...userGet, name: TRACED_SCENARIO, route: `${userGet.route} traced`, service: 'usersTraced' }
}
