// Makes a local CA and one server certificate per service, in Node code (no openssl needed).
import { webcrypto } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as x509 from '@peculiar/x509'
import { caFiles, certFiles } from './paths.ts'

type CryptoKey = webcrypto.CryptoKey

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const DAY = 24 * 60 * 60 * 1000

function serial (): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1')
}

async function pemKey (key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key))
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`
}

async function importKey (pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  return webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign'])
}

async function ensureCa (certsDir: string) {
  const files = caFiles(certsDir)
  if (existsSync(files.cert) && existsSync(files.key)) {
    return {
      cert: new x509.X509Certificate(await readFile(files.cert, 'utf8')),
      key: await importKey(await readFile(files.key, 'utf8')),
      created: false
    }
  }
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Classifieds local development CA',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  await writeFile(files.key, await pemKey(keys.privateKey), { mode: 0o600 })
  await writeFile(files.cert, cert.toString('pem') + '\n')
  return { cert, key: keys.privateKey, created: true }
}

/** A CA in certsDir (kept if present) and a certificate for each service, valid for localhost and its name. */
export async function ensureCertificates (certsDir: string, services: string[]): Promise<string[]> {
  await mkdir(certsDir, { recursive: true })
  const ca = await ensureCa(certsDir)
  const made: string[] = ca.created ? ['ca'] : []
  for (const service of services) {
    const files = certFiles(certsDir, service)
    if (!ca.created && existsSync(files.cert) && existsSync(files.key)) continue
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${service}`,
      issuer: ca.cert.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 825 * DAY),
      signingKey: ca.key,
      publicKey: keys.publicKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'dns', value: service },
          { type: 'ip', value: '127.0.0.1' },
          { type: 'ip', value: '::1' }
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert)
      ]
    })
    await writeFile(files.key, await pemKey(keys.privateKey), { mode: 0o600 })
    await writeFile(files.cert, cert.toString('pem') + '\n' + ca.cert.toString('pem') + '\n')
    made.push(service)
  }
  return made
}
