// Both docs pages in headless Chromium over real HTTPS (the browser trusts our CA): every contract route shows,
// "Try it out" registers a user, and, authorized with a token, deletes that user's offer.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { freePort, repoRoot } from '@app/devstack'
import {
  chromiumPath, createTestDatabase, docsPageOperations, hasCertutil, hasChromium, httpsRequest, launchChromium,
  makeTestKeys, startServiceProcess, testTls, testTlsFiles, writeKeyFiles
} from '@app/testing'

const contractPaths = {
  users: [
    '/user/registry/', '/user/auth/', '/user/auth/refresh/', '/user/auth/logout/', '/user/{user_id}/', '/users/',
    '/.well-known/jwks.json'
  ],
  offers: ['/offer/create/', '/offer/', '/offers/', '/offer/{offer_id}/']
}
const artifacts = path.join(repoRoot, 'test-artifacts')

const missing = !hasChromium()
  ? `no Chromium at ${chromiumPath}`
  : !hasCertutil() ? 'no certutil (Debian: libnss3-tools) to trust the test CA' : false
if (missing) {
  t.test('the docs pages in a browser', { skip: missing }, async () => {})
} else {
  await run()
}

async function run () {
  const db = await createTestDatabase(t)
  const files = await writeKeyFiles(makeTestKeys())
  // Fixed ports, so that the documents' `servers` are the very origins the pages are served from.
  const ports = { users: await freePort(), offers: await freePort() }
  const base = (service: 'users' | 'offers') => `https://localhost:${ports[service]}`
  const offers = await startServiceProcess(t, 'offers', {
    PORT: String(ports.offers),
    PUBLIC_URL: base('offers'),
    DATABASE_URL: db.offersUrl,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile
  })
  const users = await startServiceProcess(t, 'users', {
    PORT: String(ports.users),
    PUBLIC_URL: base('users'),
    DATABASE_URL: db.usersUrl,
    JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
    JWT_PUBLIC_KEYS_FILE: files.jwksFile,
    OFFERS_URL: offers.url
  })
  const browser = await launchChromium({ trustCaFile: testTlsFiles('users').ca })
  t.teardown(() => browser.close())
  await mkdir(artifacts, { recursive: true })

  for (const service of ['users', 'offers'] as const) {
    t.test(`the ${service} docs page lists every contract route, with no outside calls`, async (t) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
      const { paths, outside } = await docsPageOperations(page, base(service))
      for (const route of contractPaths[service]) t.ok(paths.includes(route), `${route} is on the page`)
      t.same(outside, [], 'assets come from the service itself')
      await page.screenshot({ path: path.join(artifacts, `${service}-docs.png`), fullPage: true })
      await page.close()
    })
  }

  t.test('"Try it out" on the registration route answers 201', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    await docsPageOperations(page, base('users'))
    const operation = page.locator('.opblock-post')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/user/registry/"]') })
    await operation.locator('.opblock-summary').first().click()
    await operation.locator('.try-out__btn').click()
    const username = `docs_${Date.now().toString(36)}`
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({
      username,
      password: 'tried it out in a browser',
      email: `${username}@example.com`
    }))
    await operation.locator('.execute').click()
    const status = operation.locator('.live-responses-table .response .response-col_status').first()
    await status.waitFor({ timeout: 20_000 })
    t.equal((await status.innerText()).trim(), '201')
    t.match(await operation.locator('.live-responses-table .microlight').first().innerText(), username)
    await page.screenshot({ path: path.join(artifacts, 'users-try-it-out.png'), fullPage: true })
    await page.close()
  })

  t.test('"Try it out" with a token deletes the caller\'s offer: 204', async (t) => {
    const ca = testTls('users').ca
    const username = `docs_del_${Date.now().toString(36)}`
    const password = 'deletes an offer in a browser'
    await httpsRequest(`${users.url}/user/registry/`, {
      ca, json: { username, password, email: `${username}@example.com` }
    })
    const login = await httpsRequest(`${users.url}/user/auth/`, { ca, json: { username, password } })
    const { access_token: token, user_id: userId } = login.body as { access_token: string, user_id: number }
    const created = await httpsRequest(`${offers.url}/offer/create/`, {
      ca, headers: { authorization: `Bearer ${token}` }, json: { user_id: userId, title: 'Lamp', text: 'Brass' }
    })
    t.equal(created.status, 201)
    const offerId = (created.body as { id: number }).id

    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    await docsPageOperations(page, base('offers'))
    await page.locator('.auth-wrapper .btn.authorize').click()
    await page.locator('.modal-ux input[aria-label="auth-bearer-value"]').fill(token)
    await page.locator('.modal-ux .auth-btn-wrapper .btn.authorize').click()
    await page.locator('.modal-ux .btn-done').click()
    const operation = page.locator('.opblock-delete')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/offer/{offer_id}/"]') })
    await operation.locator('.opblock-summary').first().click()
    await operation.locator('.try-out__btn').click()
    await operation.locator('tr[data-param-name="offer_id"] input').fill(String(offerId))
    await operation.locator('.execute').click()
    const status = operation.locator('.live-responses-table .response .response-col_status').first()
    await status.waitFor({ timeout: 20_000 })
    t.equal((await status.innerText()).trim(), '204')
    await page.screenshot({ path: path.join(artifacts, 'offers-try-it-out-delete.png'), fullPage: true })
    await page.close()
    const gone = await httpsRequest(`${offers.url}/offer/`, { ca, json: { offer_id: offerId } })
    t.same(gone.body, [], 'the offer is gone')
  })
}
