// The development PostgreSQL: an embedded server whose data lives under .data/pg and survives restarts.
import { initCluster, runningPid, startCluster, stopCluster } from './postgres.ts'
import { portFree } from './port.ts'

export class StartError extends Error {}

export async function startDevPostgres (
  dataDir: string, port: number, password: string
): Promise<{ url: string, stop: () => Promise<void> }> {
  const pid = await runningPid(dataDir)
  if (pid) {
    throw new StartError(`The data directory ${dataDir} is locked by a running PostgreSQL (pid ${pid}). ` +
      'Is another "pnpm start" running? Stop it first.')
  }
  if (!await portFree(port, '127.0.0.1')) {
    throw new StartError(`Port ${port} for the embedded PostgreSQL is taken. Free it or set PG_PORT.`)
  }
  await initCluster({ dataDir, port, password })
  await startCluster({ dataDir, port, password })
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => stopCluster(dataDir)
  }
}
