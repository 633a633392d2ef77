import { lchown, lstat, readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { SandboxSpecError } from './errors.js'

export interface HostUser {
  uid: number
  gid: number
}

/**
 * Gives the job folder and everything in it to the uid the sandbox runs as, so the sandbox can
 * write its outputs there. Symbolic links are re-owned themselves and never followed, so a link
 * in the folder cannot make this touch anything outside it. Only needed when the node is root.
 */
export async function handOverJobDir(jobDir: string, user: HostUser): Promise<void> {
  const pending = [jobDir]
  while (pending.length > 0) {
    const path = pending.pop()!
    const stat = await lstat(path)
    if (stat.uid !== user.uid || stat.gid !== user.gid) await lchown(path, user.uid, user.gid)
    if (stat.isDirectory()) {
      for (const name of await readdir(path)) pending.push(join(path, name))
    }
  }
}

function canTraverse(mode: number, uid: number, gid: number, user: HostUser): boolean {
  if (uid === user.uid) return (mode & 0o100) !== 0
  if (gid === user.gid) return (mode & 0o010) !== 0
  return (mode & 0o001) !== 0
}

/**
 * bubblewrap runs as `user` and must reach the job folder through its parents; a parent it
 * cannot traverse (a 0700 data dir, say) is reported with the fix instead of a bwrap error.
 */
export async function assertReachable(jobDir: string, user: HostUser): Promise<void> {
  let path = dirname(jobDir)
  const parents: string[] = []
  while (true) {
    parents.push(path)
    const parent = dirname(path)
    if (parent === path) break
    path = parent
  }
  for (const parent of parents.reverse()) {
    const info = await stat(parent)
    if (!canTraverse(info.mode, info.uid, info.gid, user)) {
      throw new SandboxSpecError(
        `the sandbox runs as uid ${user.uid} and cannot reach the job folder ${jobDir} because ${parent} ` +
          `is closed to it (mode ${(info.mode & 0o777).toString(8)}); keep job folders under a folder others ` +
          `may traverse (chmod o+x ${parent}) or run the node as an unprivileged user`
      )
    }
  }
}
