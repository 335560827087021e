// As root, PostgreSQL runs as a `postgres` system user, given only what it needs and nothing of anyone else's.
import { execFile } from 'node:child_process'
import { readFileSync, type Stats } from 'node:fs'
import { chmod, chown, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { userInfo } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface PostgresUser { uid: number, gid: number }

function lookup (): PostgresUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))
  if (!line) return undefined
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

/** postgres refuses to run as root: as root, the `postgres` system user (made when missing); otherwise none. */
export async function postgresUser (): Promise<PostgresUser | undefined> {
  if (userInfo().uid !== 0) return undefined
  if (!lookup()) await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'])
  const user = lookup()
  if (!user) throw new Error('could not create the postgres system user')
  return user
}

/** Whether the user may search (traverse) a directory: the kernel looks at the owner, group or other bits, in turn. */
function searchable (st: Stats, user: PostgresUser): boolean {
  if (st.uid === user.uid) return (st.mode & 0o100) !== 0
  // child processes started with a gid lose their supplementary groups, so only the primary group counts
  if (st.gid === user.gid) return (st.mode & 0o010) !== 0
  return (st.mode & 0o001) !== 0
}

/**
 * Lets the user reach `target` by adding search for others (o+x) to each parent that lacks it, and nothing else:
 * no bit is ever removed and no owner changed, so /tmp keeps 1777 and a home directory stays unreadable.
 * Returns the directories that gained the bit.
 */
export async function grantSearch (target: string, user: PostgresUser): Promise<string[]> {
  const opened: string[] = []
  for (let d = path.dirname(target); ; d = path.dirname(d)) {
    const st = await stat(d)
    if (!searchable(st, user)) {
      if (st.uid === user.uid || st.gid === user.gid) {
        throw new Error(`the postgres user cannot search ${d} (mode ${(st.mode & 0o7777).toString(8)}); allow it`)
      }
      await chmod(d, (st.mode & 0o7777) | 0o001)
      opened.push(d)
    }
    if (d === path.dirname(d)) return opened
  }
}

/**
 * The password for initdb --pwfile: 0600 in a 0700 directory made beside the data, both owned by whoever runs
 * initdb (the postgres user as root) before the password is written, so no one else can ever read it;
 * `remove` deletes both.
 */
export async function passwordFile (dir: string, password: string, user?: PostgresUser) {
  const pwDir = await mkdtemp(path.join(dir, '.initdb-pw-'))
  const file = path.join(pwDir, 'pw')
  const remove = () => rm(pwDir, { recursive: true, force: true })
  try {
    if (user) await chown(pwDir, user.uid, user.gid)
    const fh = await open(file, 'wx', 0o600)
    try {
      if (user) await fh.chown(user.uid, user.gid)
      await fh.writeFile(`${password}\n`)
    } finally {
      await fh.close()
    }
  } catch (err) {
    await remove()
    throw err
  }
  return { file, remove }
}
