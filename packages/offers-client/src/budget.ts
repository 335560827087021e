// One time budget per call: the signal undici aborts with, and a deadline that holds even where undici does not
// look at it.
/**
 * Runs work(signal) and settles at the latest when ms have passed, rejecting with a TimeoutError.
 * undici only reads the signal once a request is on a socket, so a call stuck connecting (a TLS
 * handshake that never ends) would otherwise outlive the budget; the aborted request still settles
 * on its own (undici's connect timeout), and its late result is dropped.
 */
export async function withBudget<T> (ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException(`The ${ms} ms budget ran out`, 'TimeoutError')
      controller.abort(reason)
      reject(reason)
    }, ms)
  })
  const running = work(controller.signal)
  running.catch(() => {})
  try {
    return await Promise.race([running, expired])
  } catch (err) {
    // once the budget is spent, whatever else failed (a socket destroyed by the abort) is the timeout
    throw controller.signal.aborted ? controller.signal.reason : err
  } finally {
    clearTimeout(timer)
  }
}
