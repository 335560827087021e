// The balancer's generated configuration: what the replica suite and the bench rely on is in it, and HAProxy
// itself accepts it (`haproxy -c`, when HAProxy is installed).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { caFiles, certFiles, ensureCertificates, haproxyConfig, systemProgram, writePem } from '../src/index.ts'

const dir = await mkdtemp(path.join(tmpdir(), 'haproxy-config-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))
await ensureCertificates(dir, ['balancer'])
const pem = path.join(dir, 'balancer.pem')
const tls = certFiles(dir, 'balancer')
const options = {
  workDir: dir,
  services: [{ name: 'users', serverPorts: [3101, 3102] }, { name: 'offers', serverPorts: [3201] }],
  caFile: caFiles(dir).cert,
  certFile: tls.cert,
  keyFile: tls.key,
  sourceAddress: '127.0.0.2'
}
const config = haproxyConfig(options, { users: 3100, offers: 3200 }, pem)

t.test('TLS both ways, the client address forwarded, /ready checked, only reads replayed', async (t) => {
  t.match(config, /bind 127\.0\.0\.1:3100 ssl crt \S+balancer\.pem/)
  t.match(config, /default-server ssl verify required ca-file \S+ca\.crt verifyhost localhost/)
  t.match(config, /option forwardfor/)
  t.match(config, /http-check send meth GET uri \/ready/)
  t.match(config, /source 127\.0\.0\.2/)
  t.match(config, /http-request disable-l7-retry if !METH_GET !\{ path \/offer\/ \}/)
  t.match(config, /server users1 127\.0\.0\.1:3101\n {2}server users2 127\.0\.0\.1:3102\n/)
  t.match(config, /server offers1 127\.0\.0\.1:3201\n/)
})

t.test('HAProxy accepts it', { skip: systemProgram('haproxy') ? false : 'haproxy is not installed' }, async (t) => {
  await writePem(options, pem)
  const file = path.join(dir, 'haproxy.cfg')
  await writeFile(file, config)
  const { stdout, stderr } = await promisify(execFile)(systemProgram('haproxy')!, ['-c', '-f', file])
  t.match(`${stdout}${stderr}`, /Configuration file is valid/)
})
