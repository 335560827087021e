// Teardown steps, run last-in first-out and only once: after the run, on a failure, or on Ctrl-C.
export class Cleanup {
  private readonly steps: Array<{ name: string, fn: () => Promise<unknown> | unknown }> = []
  private running: Promise<void> | undefined
  /** set by Ctrl-C or a kill: what fails afterwards is the teardown's doing, not worth reporting */
  interrupted = false

  defer (name: string, fn: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, fn })
  }

  run (): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step.fn()
        } catch (err) {
          process.stderr.write(`[bench] cleanup of ${step.name} failed: ${(err as Error).message}\n`)
        }
      }
    })()
    return this.running
  }

  /** Ctrl-C or a kill: tear everything down, then leave with 130. */
  onSignals (): void {
    const stop = (signal: string) => {
      // A second Ctrl-C must not cut the teardown short and leave PostgreSQL running.
      if (this.interrupted) return
      this.interrupted = true
      process.stderr.write(`\n[bench] ${signal}: stopping services and PostgreSQL…\n`)
      void this.run().then(() => {
        process.stderr.write('[bench] interrupted; everything stopped and removed\n')
        process.exit(130)
      })
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal))
  }
}
