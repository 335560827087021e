// Progress output of the benchmark: one line per step, on stdout.
export function log (message: string): void {
  process.stdout.write(`[bench] ${message}\n`)
}

/** Starts a line that `done` finishes, so a long run shows what it is waiting for. */
export function begin (message: string): (result: string) => void {
  process.stdout.write(`[bench] ${message} … `)
  return (result) => process.stdout.write(`${result}\n`)
}
