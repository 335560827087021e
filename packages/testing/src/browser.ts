// Headless Chromium from Debian's package, driven by playwright-core; tests never download a browser.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser, type Page } from 'playwright-core'

const run = promisify(execFile)

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function hasChromium (): boolean {
  return existsSync(chromiumPath)
}

/** NSS's certutil (Debian: libnss3-tools) puts a CA into the browser's trust store, as a person would. */
export function hasCertutil (): boolean {
  return existsSync('/usr/bin/certutil')
}

/**
 * Launches Chromium. With `trustCaFile`, the browser gets a HOME of its own whose NSS database trusts that CA,
 * so HTTPS pages of our services load with certificate checks on (nothing here ignores certificate errors).
 */
export async function launchChromium (opts: { trustCaFile?: string } = {}): Promise<Browser> {
  let home: string | undefined
  if (opts.trustCaFile) {
    home = await mkdtemp(path.join(tmpdir(), 'chromium-home-'))
    const db = `sql:${path.join(home, '.pki', 'nssdb')}`
    await mkdir(path.join(home, '.pki', 'nssdb'), { recursive: true })
    await run('certutil', ['-N', '-d', db, '--empty-password'])
    await run('certutil', ['-A', '-d', db, '-n', 'classifieds-test-ca', '-t', 'C,,', '-i', opts.trustCaFile])
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run']
  })
  if (home) browser.on('disconnected', () => { void rm(home, { recursive: true, force: true }) })
  return browser
}

/**
 * Opens `${base}/docs` in the page and answers the paths of the operations it shows, and every request
 * the page made outside `base` (there should be none: the UI's assets are served by the service itself).
 */
export async function docsPageOperations (page: Page, base: string): Promise<{ paths: string[], outside: string[] }> {
  const outside: string[] = []
  page.on('request', (request) => { if (!request.url().startsWith(base)) outside.push(request.url()) })
  await page.goto(`${base}/docs`)
  const operations = page.locator('.opblock-summary-path')
  await operations.first().waitFor({ timeout: 20_000 })
  const paths: string[] = []
  for (let i = 0; i < await operations.count(); i++) paths.push(await operations.nth(i).getAttribute('data-path') ?? '')
  return { paths, outside }
}
