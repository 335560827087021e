// Finding 5: starting the embedded PostgreSQL changes no directory it did not make, and its password stays 0600.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { freePort, initCluster, repoRoot, startCluster, stopCluster } from '@app/devstack'

const root = userInfo().uid === 0
const ancestors = (dir: string) => {
  const out: string[] = []
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) out.push(d)
  return [...out, path.parse(dir).root]
}
const owners = (dirs: string[]) => Object.fromEntries(dirs.map((d) => {
  const st = statSync(d)
  return [d, { mode: st.mode.toString(8), uid: st.uid, gid: st.gid }]
}))

// Stand-ins, made here, for directories a start must respect: a sticky world-writable one like /tmp and a
// private one like a home directory, with the data dir below them.
const shared = await mkdtemp(path.join(tmpdir(), 'system-dir-modes-'))
await chmod(shared, 0o1777)
const home = path.join(shared, 'home')
await mkdir(home, { mode: 0o700 })
const dataDir = path.join(home, 'pg')
t.teardown(async () => {
  await stopCluster(dataDir).catch(() => undefined)
  await rm(shared, { recursive: true, force: true })
})

const system = [...new Set([tmpdir(), homedir(), ...ancestors(shared)])]
const before = owners([...system, shared, home])

/** Every file that holds the password, as seen by polling the places a temp dir for it could appear. */
interface Sighting { file: string, mode: number, uid: number, dirMode: number, dirUid: number }
const password = randomBytes(18).toString('base64url')
const sightings = new Map<string, Sighting>()
const watched = [tmpdir(), home]
const known = new Map(watched.map((d) => [d, new Set(readdirSync(d))]))
const look = (dir: string) => {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    try {
      const st = statSync(file)
      if (!st.isFile() || st.size !== password.length + 1) continue
      if (readFileSync(file, 'utf8') !== `${password}\n`) continue
      const d = statSync(dir)
      const seen = { file, mode: st.mode & 0o7777, uid: st.uid, dirMode: d.mode & 0o7777, dirUid: d.uid }
      sightings.set(JSON.stringify(seen), seen)
    } catch {} // gone between readdir and stat
  }
}
const poll = setInterval(() => {
  for (const dir of watched) {
    for (const name of readdirSync(dir)) {
      if (known.get(dir)!.has(name)) continue
      const entry = path.join(dir, name)
      try {
        look(statSync(entry).isDirectory() ? entry : dir)
      } catch {}
    }
  }
}, 2)

const port = await freePort()
const logged: string[] = []
const log = (line: string) => { logged.push(line) }
try {
  await initCluster({ dataDir, port, password, log })
} finally {
  clearInterval(poll)
}
await startCluster({ dataDir, port, password, settings: { fsync: 'off' }, log })
await stopCluster(dataDir)
const after = owners([...system, shared, home])
const postgresUid = statSync(dataDir).uid

t.test('os.tmpdir(), the home directory and the system parents of the data keep their mode and owner', async (t) => {
  // the binaries live in the repository: a parent of it may gain o+x, that one bit, when it lacked it
  const onRepoPath = (d: string) => repoRoot === d || repoRoot.startsWith(d.endsWith(path.sep) ? d : d + path.sep)
  for (const d of system) {
    const was = before[d]!
    const mode = root && onRepoPath(d) && !(Number.parseInt(was.mode, 8) & 0o001)
      ? (Number.parseInt(was.mode, 8) | 0o001).toString(8)
      : was.mode
    t.same(after[d], { ...was, mode }, d)
  }
})

t.test('a sticky world-writable parent keeps its bits; a private one gains at most search for others', async (t) => {
  t.same(after[shared], before[shared], 'the /tmp-like parent is unchanged (sticky bit included)')
  t.same(after[home], { ...before[home]!, mode: (root ? 0o40701 : 0o40700).toString(8) }, 'the home-like parent')
  t.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data directory is private')
  if (root) t.not(postgresUid, 0, 'as root, the data directory belongs to the postgres user')
  t.equal(logged.length, root ? 1 : 0, 'one line says which directories gained o+x')
  if (root) t.match(logged[0], home, 'and names the home-like one')
})

t.test('the password file is 0600, in a private directory, owned by its reader, and removed after', async (t) => {
  t.comment(`${sightings.size} distinct sightings of the password file while initdb ran`)
  for (const s of sightings.values()) {
    t.equal(s.mode, 0o600, `${s.file} is 0600`)
    t.equal(s.dirMode & 0o077, 0, `${path.dirname(s.file)} is readable by its owner only`)
    t.equal(s.uid, postgresUid, 'the file belongs to the user that runs initdb')
    t.equal(s.dirUid, postgresUid, 'its directory too')
    t.notOk(existsSync(s.file), 'and it is gone')
  }
})
