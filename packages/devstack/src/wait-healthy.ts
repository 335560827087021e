// Polls a service's GET /health over verified HTTPS until it answers 200, its process dies, or time runs out.
import type { ChildProcess } from 'node:child_process'
import { Agent, request } from 'undici'
import { StartError } from './embedded.ts'

/** intervalMs: the pause between attempts; short when the time to the first 200 is what is measured. */
export async function waitHealthy (
  url: string, ca: string, child: ChildProcess, timeoutMs = 60_000, intervalMs = 200
): Promise<void> {
  const dispatcher = new Agent({ connect: { ca } })
  const deadline = Date.now() + timeoutMs
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new StartError(`${url} exited with code ${child.exitCode} before it was healthy`)
      }
      try {
        const res = await request(`${url}/health`, { dispatcher })
        await res.body.dump()
        if (res.statusCode === 200) return
      } catch { /* not listening yet */ }
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
    throw new StartError(`${url}/health did not answer within ${timeoutMs / 1000}s`)
  } finally {
    await dispatcher.close()
  }
}
