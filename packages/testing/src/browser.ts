// Headless Chromium from Debian's package, driven by playwright-core; tests never download a browser.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function hasChromium (): boolean {
  return existsSync(chromiumPath)
}

export async function launchChromium (): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run']
  })
}

/**
 * Opens `${base}/docs` in headless Chromium and answers the paths of the operations the page shows,
 * and every request the page made outside `base` (there should be none).
 */
export async function docsPageOperations (base: string): Promise<{ paths: string[], outside: string[] }> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    const outside: string[] = []
    page.on('request', (request) => { if (!request.url().startsWith(base)) outside.push(request.url()) })
    await page.goto(`${base}/docs`)
    const operations = page.locator('.opblock-summary-path')
    await operations.first().waitFor({ timeout: 20_000 })
    const paths: string[] = []
    for (let i = 0; i < await operations.count(); i++) paths.push(await operations.nth(i).getAttribute('data-path') ?? '')
    return { paths, outside }
  } finally {
    await browser.close()
  }
}
