// Single HTTPS calls outside the load runs (logins, pre-flight checks), with the CA pinned.
import { Agent, request } from 'undici'
import type { Target } from './load.ts'

export interface Call { method: Target['method'], path: string, body?: unknown, token?: string }
export interface Answer { status: number, body: unknown }

export class Http {
  private readonly dispatcher: Agent

  constructor (ca: string) {
    this.dispatcher = new Agent({ connect: { ca }, connectTimeout: 5_000, headersTimeout: 30_000, bodyTimeout: 30_000 })
  }

  async call (origin: string, { method, path, body, token }: Call): Promise<Answer> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const res = await request(origin + path, {
      method,
      headers,
      dispatcher: this.dispatcher,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {})
    })
    const text = await res.body.text()
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch { /* keep the text */ }
    return { status: res.statusCode, body: parsed }
  }

  /** POST /user/auth/ on the running Users service: the access token and the user's id. */
  async login (origin: string, username: string, password: string): Promise<{ token: string, userId: number }> {
    const { status, body } =
      await this.call(origin, { method: 'POST', path: '/user/auth/', body: { username, password } })
    const pair = body as { access_token?: string, user_id?: number }
    if (status !== 200 || !pair.access_token || !pair.user_id) {
      throw new Error(`POST /user/auth/ for ${username} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`)
    }
    return { token: pair.access_token, userId: pair.user_id }
  }

  /**
   * A token to read with; when login fails, a placeholder that the pre-flight checks then refuse, with the
   * reason logged.
   */
  async readerToken (
    origin: string, username: string, password: string, fallbackUserId: number
  ): Promise<{ token: string, userId: number }> {
    try {
      return await this.login(origin, username, password)
    } catch (err) {
      process.stdout.write(`[bench] no access token: ${(err as Error).message}\n`)
      return { token: 'no-token-login-failed', userId: fallbackUserId }
    }
  }

  close (): Promise<void> {
    return this.dispatcher.close()
  }
}
