import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildBwrapArgs } from './bwrap-args.js'
import { PRLIMIT_PATH } from './constants.js'
import { SandboxSpecError } from './errors.js'
import type { HostLayout, SandboxSpec } from './types.js'

const MERGED_USR: HostLayout = {
  rootEntries: new Map([
    ['/bin', { kind: 'symlink', target: 'usr/bin' }],
    ['/lib', { kind: 'symlink', target: 'usr/lib' }]
  ]),
  etcPaths: ['/etc/ld.so.cache']
}

const SPEC: SandboxSpec = {
  command: 'blender',
  args: ['-b', 'scene.blend'],
  jobDir: '/var/lib/rynus/jobs/abc',
  limits: { cpuSeconds: 10, memoryBytes: 1024, fileSizeBytes: 2048, maxProcesses: 64, wallTimeoutMs: 5000 }
}

/** Every `flag a b` triple of a two-argument option. */
function pairs(args: string[], flag: string): Array<[string, string]> {
  const found: Array<[string, string]> = []
  args.forEach((arg, i) => {
    if (arg === flag) found.push([args[i + 1]!, args[i + 2]!])
  })
  return found
}

describe('buildBwrapArgs', () => {
  it('unshares every namespace (network included) and drops all privileges', () => {
    const args = buildBwrapArgs(SPEC, MERGED_USR)
    for (const flag of [
      '--unshare-all',
      '--unshare-user',
      '--disable-userns',
      '--die-with-parent',
      '--new-session'
    ]) {
      assert.ok(args.includes(flag), flag)
    }
    assert.ok(!args.includes('--share-net'))
    assert.deepEqual(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2), [
      '--cap-drop',
      'ALL'
    ])
  })

  it('binds only the job folder writable, at /job, and makes the rest of the root read-only', () => {
    const args = buildBwrapArgs(SPEC, MERGED_USR)
    assert.deepEqual(pairs(args, '--bind'), [['/var/lib/rynus/jobs/abc', '/job']])
    assert.deepEqual(pairs(args, '--ro-bind'), [
      ['/usr', '/usr'],
      ['/etc/ld.so.cache', '/etc/ld.so.cache']
    ])
    assert.deepEqual(pairs(args, '--symlink').slice(0, 2), [
      ['usr/bin', '/bin'],
      ['usr/lib', '/lib']
    ])
    const lastMount = args.lastIndexOf('--bind')
    assert.ok(args.indexOf('--remount-ro') > lastMount)
    assert.equal(args[args.lastIndexOf('--remount-ro') + 1], '/')
  })

  it('binds real library folders read-only on hosts without merged /usr', () => {
    const args = buildBwrapArgs(SPEC, { rootEntries: new Map([['/lib', { kind: 'dir' }]]), etcPaths: [] })
    assert.deepEqual(pairs(args, '--ro-bind')[1], ['/lib', '/lib'])
  })

  it('starts the command through prlimit with hard limits', () => {
    const args = buildBwrapArgs(SPEC, MERGED_USR)
    const tail = args.slice(args.indexOf(PRLIMIT_PATH))
    assert.deepEqual(tail, [
      PRLIMIT_PATH,
      '--cpu=10:11',
      '--fsize=2048:2048',
      '--nproc=64:64',
      '--core=0:0',
      '--as=1024:1024',
      '--',
      'blender',
      '-b',
      'scene.blend'
    ])
  })

  it('leaves the address space unlimited when memoryBytes is 0', () => {
    const args = buildBwrapArgs({ ...SPEC, limits: { ...SPEC.limits, memoryBytes: 0 } }, MERGED_USR)
    assert.ok(!args.some((arg) => arg.startsWith('--as=')))
  })

  it('clears the environment and sets HOME to the job folder unless overridden', () => {
    const args = buildBwrapArgs({ ...SPEC, env: { HOME: '/tmp' } }, MERGED_USR)
    assert.ok(args.indexOf('--clearenv') < args.indexOf('--setenv'))
    assert.deepEqual(
      pairs(args, '--setenv').find(([name]) => name === 'HOME'),
      ['HOME', '/tmp']
    )
  })

  it('passes trusted files through numbered pipes, never inside /job', () => {
    const args = buildBwrapArgs({ ...SPEC, files: [{ path: '/rynus/setup.py', content: 'x' }] }, MERGED_USR)
    assert.deepEqual(pairs(args, '--ro-bind-data'), [['4', '/rynus/setup.py']])
    assert.throws(
      () => buildBwrapArgs({ ...SPEC, files: [{ path: '/job/setup.py', content: 'x' }] }, MERGED_USR),
      SandboxSpecError
    )
  })

  it('rejects unsafe specs', () => {
    const bad: SandboxSpec[] = [
      { ...SPEC, jobDir: 'relative/job' },
      { ...SPEC, jobDir: '/var/../etc' },
      { ...SPEC, jobDir: '/' },
      { ...SPEC, limits: { ...SPEC.limits, maxProcesses: 0 } },
      { ...SPEC, limits: { ...SPEC.limits, cpuSeconds: 1.5 } },
      { ...SPEC, limits: { ...SPEC.limits, wallTimeoutMs: -1 } },
      { ...SPEC, env: { 'BAD NAME': 'x' } },
      { ...SPEC, devices: ['/etc/passwd'] },
      { ...SPEC, command: '' }
    ]
    for (const spec of bad)
      assert.throws(() => buildBwrapArgs(spec, MERGED_USR), SandboxSpecError, JSON.stringify(spec))
  })
})
