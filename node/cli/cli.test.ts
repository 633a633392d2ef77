import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../bin.js', import.meta.url))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real CLI; for `start`, `until` ends it with SIGTERM once stdout contains the text. */
function cli(args: string[], opts: { until?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' }
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    let signalled = false
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (!signalled && opts.until !== undefined && stdout.trim().endsWith(opts.until)) {
        signalled = true
        child.kill('SIGTERM')
      }
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

function oneLine(text: string): string {
  const lines = text.trim().split('\n')
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${text}`)
  return lines[0]
}

describe('rynus-node CLI', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-cli-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('init creates a data dir with a private peer key, a token and a config', async () => {
    const dataDir = join(dir, 'init')
    const res = await cli(['init', '--data-dir', dataDir, '--json', '--roles', 'worker'])
    assert.equal(res.code, 0, res.stderr)
    const out = JSON.parse(res.stdout) as { peerId: string; created: boolean }
    assert.match(out.peerId, /^12D3KooW/)
    assert.equal(out.created, true)
    assert.equal((await stat(join(dataDir, 'peer-key'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dataDir, 'api-token'))).mode & 0o777, 0o600)
    const config = JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8')) as { roles: string[] }
    assert.deepEqual(config.roles, ['worker'])

    const again = await cli(['init', '--data-dir', dataDir, '--json'])
    assert.equal(again.code, 0)
    assert.equal(
      (JSON.parse(again.stdout) as { peerId: string }).peerId,
      out.peerId,
      'same identity on a second init'
    )
  })

  it('a bad multiaddr fails with one line naming it, exit 3', async () => {
    const res = await cli(['start', '--data-dir', join(dir, 'bad'), '--listen', '/ip4/1.2.3/tcp/x'])
    assert.equal(res.code, 3)
    assert.match(oneLine(res.stderr), /bad multiaddr "\/ip4\/1\.2\.3\/tcp\/x".*\/ip4\/0\.0\.0\.0\/tcp\/4101/)
  })

  it('a bad value in config.json names the setting', async () => {
    const dataDir = join(dir, 'badfile')
    await cli(['init', '--data-dir', dataDir])
    const cfg = JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8')) as Record<string, unknown>
    cfg.roles = ['miner']
    await writeFile(join(dataDir, 'config.json'), JSON.stringify(cfg))
    const res = await cli(['start', '--data-dir', dataDir])
    assert.equal(res.code, 3)
    assert.match(oneLine(res.stderr), /unknown role "miner"/)
  })

  describe('with a port taken by another program', () => {
    let blocker: Server
    let port: number
    before(async () => {
      blocker = createServer()
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
      port = (blocker.address() as { port: number }).port
    })
    after(() => {
      blocker.close()
    })

    it('the libp2p port: one line, exit 3', async () => {
      const res = await cli([
        'start',
        '--data-dir',
        join(dir, 'taken'),
        '--listen',
        `/ip4/127.0.0.1/tcp/${port}`
      ])
      assert.equal(res.code, 3)
      assert.match(oneLine(res.stderr), /already in use.*--listen/)
    })

    it('the API port: one line, exit 3', async () => {
      const res = await cli([
        'start',
        '--data-dir',
        join(dir, 'taken-api'),
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--api-port',
        String(port)
      ])
      assert.equal(res.code, 3)
      assert.match(oneLine(res.stderr), new RegExp(`API port ${port} .*already in use.*--api-port`))
    })
  })

  it('an unwritable data dir: one line, exit 3', async () => {
    const file = join(dir, 'a-file')
    await writeFile(file, 'not a folder')
    const res = await cli(['start', '--data-dir', join(file, 'data')])
    assert.equal(res.code, 3)
    assert.match(oneLine(res.stderr), /data dir .* is not writable.*--data-dir/)
  })

  it('unknown commands and flags are usage errors (exit 2)', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2)
    const res = await cli(['status', '--nope'])
    assert.equal(res.code, 2)
    assert.match(oneLine(res.stderr), /--nope/)
  })

  it('every command has --help', async () => {
    for (const cmd of ['init', 'start', 'status', 'peers', 'devnet', 'version']) {
      const res = await cli([cmd, '--help'])
      assert.equal(res.code, 0, cmd)
      assert.match(res.stdout, /usage: rynus-node/)
    }
  })

  it('status says the node is not running, exit 4', async () => {
    const dataDir = join(dir, 'idle')
    await cli(['init', '--data-dir', dataDir, '--api-port', String(await freePort())])
    const res = await cli(['status', '--data-dir', dataDir])
    assert.equal(res.code, 4)
    assert.match(oneLine(res.stderr), /no node answers.*rynus-node start/)
  })

  it('start keeps its peer id across restarts, serves status and peers to the CLI, stops cleanly on SIGTERM', async () => {
    const dataDir = join(dir, 'restart')
    const port = await freePort()
    await cli(['init', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', String(port)])
    const node = spawn(process.execPath, [BIN, 'start', '--data-dir', dataDir, '--json'], {
      env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' }
    })
    let stdout = ''
    node.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    let stderr = ''
    node.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const exited = new Promise<string>((r) => node.on('exit', (code, signal) => r(`${code ?? signal}`)))
    const end = Date.now() + 60_000
    while (!stdout.trim().endsWith('}') && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    const a = JSON.parse(stdout) as { peerId: string; ui: string }
    assert.match(a.ui, new RegExp(`^http://127.0.0.1:${port}/#token=[0-9a-f]{64}$`))

    const status = await cli(['status', '--data-dir', dataDir, '--json'])
    assert.equal(status.code, 0, status.stderr)
    const s = JSON.parse(status.stdout) as {
      peerId: string
      roles: string[]
      reachability: { status: string }
    }
    assert.equal(s.peerId, a.peerId)
    assert.deepEqual(s.roles, ['worker', 'requester'])
    assert.equal(s.reachability.status, 'lan-only')
    const peers = await cli(['peers', '--data-dir', dataDir])
    assert.equal(peers.code, 0)
    assert.equal(peers.stdout.trim(), 'no peers connected')

    node.kill('SIGTERM')
    assert.equal(await exited, '0', `exit 0 after SIGTERM; stderr: ${stderr}`)

    const second = await cli(['start', '--data-dir', dataDir, '--json'], { until: '}' })
    assert.equal(second.code, 0)
    assert.equal(
      (JSON.parse(second.stdout) as { peerId: string }).peerId,
      a.peerId,
      'same peer id after a restart'
    )
  })
})
