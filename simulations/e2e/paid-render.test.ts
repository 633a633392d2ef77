import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { ChainConfig } from '../../node/chain/index.js'
import { ChainDevnetService } from '../../node/devnet/chain-service.js'
import type { DevnetNode } from '../../node/devnet/devnet.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { importFile } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode, tempDataDir, waitFor } from './harness.js'

const SCENE = fileURLToPath(new URL('../../../simulations/assets/sample-scene.blend', import.meta.url))
const BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))
const MAX_PRICE = 10n ** 16n // 0.01 token per frame
const FEE_BPS = 100n

/** A node's place on the test chain: a data dir with a funded wallet. */
async function chainMember(
  name: string,
  roles: Array<'worker' | 'requester' | 'super-peer'>
): Promise<DevnetNode> {
  return {
    spec: { name, roles, tcpPort: 0, wsPort: 0, apiPort: 0 },
    dataDir: await tempDataDir(),
    peerId: '',
    token: '',
    apiBase: ''
  }
}

async function submit(requester: RynusNode, frames: { start: number; end: number }): Promise<string> {
  const { cid, size } = await importFile(requester.helia, SCENE)
  return requester.requester!.submitRender({
    input: { cid, name: 'sample-scene.blend', size },
    frames,
    samples: 2,
    resolution: { x: 32, y: 18 },
    maxPricePerUnit: MAX_PRICE.toString()
  })
}

async function finished(requester: RynusNode, jobId: string): Promise<string> {
  let state = ''
  await waitFor(
    async () => {
      state = (await requester.requester!.get(jobId))?.job.state.name ?? ''
      return ['completed', 'failed', 'cancelled'].includes(state)
    },
    240_000,
    250
  )
  return state
}

/** The agreed price of every accepted task, per worker peer id. */
async function earnedByWorker(requester: RynusNode, jobId: string): Promise<Map<string, bigint>> {
  const view = (await requester.requester!.get(jobId))!
  const out = new Map<string, bigint>()
  for (const task of view.tasks.filter((t) => t.state.name === 'accepted')) {
    const worker = task.state.worker!
    out.set(worker, (out.get(worker) ?? 0n) + BigInt(task.pricePerUnit!) * BigInt(task.units.length))
  }
  return out
}

const afterFee = (amount: bigint): bigint => amount - (amount * FEE_BPS) / 10_000n

describe('render jobs paid on a real chain', { timeout: 600_000 }, () => {
  const chain = new ChainDevnetService({ port: 0 })
  const members = new Map<string, DevnetNode>()
  const nodes: RynusNode[] = []
  const children: ChildProcess[] = []
  let superPeer: RynusNode
  let bootstrap: string[]

  const config = (name: string): ChainConfig => chain.chainConfig(members.get(name)!)

  before(async () => {
    for (const [name, roles] of [
      ['worker-1', ['worker']],
      ['worker-2', ['worker']],
      ['doomed', ['worker']],
      ['requester', ['requester']]
    ] as const) {
      members.set(name, await chainMember(name, [...roles]))
    }
    await chain.start({ baseDir: await tempDataDir(), nodes: [...members.values()], logger: silentLogger })
    superPeer = await startTestNode({ roles: ['super-peer'] })
    nodes.push(superPeer)
    bootstrap = [dialAddress(superPeer)]
  })

  after(async () => {
    for (const child of children) child.kill('SIGKILL')
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await chain.stop()
    await removeTempDirs()
  })

  /** A short heartbeat timeout only where a test kills a worker, so a slow machine does not reassign tasks. */
  async function node(
    name: string,
    roles: Array<'worker' | 'requester'>,
    heartbeatTimeoutMs = 30_000
  ): Promise<RynusNode> {
    const m = members.get(name)!
    const n = await startTestNode({
      roles,
      bootstrap,
      dataDir: m.dataDir,
      chain: config(name),
      heartbeatTimeoutMs
    })
    nodes.push(n)
    return n
  }

  it('a completed job pays each worker its task prices minus the fee, and refunds the requester the rest', async () => {
    const w1 = await node('worker-1', ['worker'])
    const w2 = await node('worker-2', ['worker'])
    const requester = await node('requester', ['requester'])
    assert.ok(
      await waitFor(async () => (await requester.requester!.workers.entries(true)).length === 2, 30_000, 500)
    )

    // the refund is pull-based: it waits in the market until withdrawn, so count both
    const holdings = async (): Promise<bigint> => {
      const b = await requester.settlement!.requester.balances()
      return b.wallet.tokens + b.market.withdrawable
    }
    const before = {
      requester: await holdings(),
      w1: (await w1.settlement!.worker.balances()).market.withdrawable,
      w2: (await w2.settlement!.worker.balances()).market.withdrawable
    }
    // a budget beyond the wallet is refused before anything is stored or offered
    const { cid, size } = await importFile(requester.helia, SCENE)
    const tooDear = requester.requester!.submitRender({
      input: { cid, name: 'sample-scene.blend', size },
      frames: { start: 1, end: 2 },
      maxPricePerUnit: (before.requester * 10n).toString()
    })
    await assert.rejects(tooDear, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_INSUFFICIENT_BALANCE')
      assert.match(
        err.message,
        /out of funds: the node's wallet 0x[0-9a-fA-F]{40} holds [\d.]+ RYN but this job's budget is/
      )
      return true
    })
    assert.deepEqual(await requester.requester!.list(), [], 'no job was recorded')

    const jobId = await submit(requester, { start: 1, end: 6 })
    assert.equal(await finished(requester, jobId), 'completed')
    const history = await requester.requester!.history(jobId)
    const at = (type: string): number => history.find((h) => h.type === type)!.at
    console.log(`# escrow before the offer: ${at('offered') - at('submitted')} ms from submit to offer`)
    const earned = await earnedByWorker(requester, jobId)
    const spent = [...earned.values()].reduce((a, b) => a + b, 0n)
    assert.ok(spent > 0n)

    // the requester pays accepted tasks in a batch and refunds the unspent budget right after
    const paid = await waitFor(async () => (await holdings()) === before.requester - spent, 30_000, 250)
    const after = await holdings()
    assert.ok(
      paid,
      `the requester got back everything but the price of the delivered frames: spent ${before.requester - after}, delivered ${spent}; ${JSON.stringify((await requester.requester!.history(jobId)).map((h) => h.message))}`
    )
    for (const [w, start] of [
      [w1, before.w1],
      [w2, before.w2]
    ] as const) {
      const expected = afterFee(earned.get(w.peerId.toString()) ?? 0n)
      const now = (await w.settlement!.worker.balances()).market.withdrawable
      assert.equal(now - start, expected, `${w.peerId} can withdraw exactly its task prices minus the 1% fee`)
    }
  })

  it('a requester that goes offline after delivery still pays once the challenge window has passed', async () => {
    const requester = nodes.find((n) => n.requester !== undefined)!
    const workers = nodes.filter((n) => n.worker !== undefined)
    const withdrawable = async (): Promise<bigint> =>
      (
        await Promise.all(
          workers.map(async (w) => (await w.settlement!.worker.balances()).market.withdrawable)
        )
      ).reduce((a, b) => a + b, 0n)
    const start = await withdrawable()
    const provider = workers[0].settlement!.client.provider
    const address = requester.settlement!.client.address
    const jobId = await submit(requester, { start: 1, end: 4 })
    // once the tasks are on chain the requester can no longer pay gas, and then goes offline:
    // nothing it does (or fails to do) may keep the workers from their money
    await waitFor(
      async () => {
        const view = await requester.requester!.get(jobId)
        return (
          view !== undefined && view.tasks.length > 0 && view.tasks.every((t) => t.state.name !== 'pending')
        )
      },
      120_000,
      20
    )
    await provider.send('anvil_setBalance', [address, '0x0'])
    const delivered = await waitFor(
      async () => {
        const view = await requester.requester!.get(jobId)
        return view?.tasks.every((t) => ['delivered', 'accepted'].includes(t.state.name)) === true
      },
      120_000,
      50
    )
    assert.ok(delivered, 'the workers delivered')
    const owed = afterFee([...(await earnedByWorker(requester, jobId)).values()].reduce((a, b) => a + b, 0n))
    await requester.stop()
    nodes.splice(nodes.indexOf(requester), 1)
    assert.equal(await withdrawable(), start, 'nothing was paid before the window ended')

    await provider.send('evm_increaseTime', [31])
    await provider.send('evm_mine', [])
    const released = await waitFor(async () => (await withdrawable()) - start === owed, 60_000, 500)
    assert.ok(
      released,
      `the workers released their own payment: got ${(await withdrawable()) - start}, owed ${owed}`
    )
    await provider.send('anvil_setBalance', [address, '0x56bc75e2d63100000'])
  })

  it('a worker killed mid-task is slashed, and the worker that finishes its frames is paid', async () => {
    for (const n of nodes.filter((x) => x.worker !== undefined)) {
      await n.stop()
      nodes.splice(nodes.indexOf(n), 1)
    }
    const steady = await node('worker-1', ['worker'])
    const doomed = members.get('doomed')!
    const cfg = config('doomed')
    const child = spawn(
      process.execPath,
      [
        BIN,
        'start',
        '--data-dir',
        doomed.dataDir,
        '--json',
        '--roles',
        'worker',
        '--bootstrap',
        bootstrap[0],
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--api-port',
        '0',
        '--dht-mode',
        'server',
        '--dht-private-addresses',
        'true',
        '--chain-rpc-url',
        cfg.rpcUrl,
        '--chain-id',
        String(cfg.chainId),
        '--chain-token',
        cfg.token,
        '--chain-registry',
        cfg.registry,
        '--chain-market',
        cfg.market,
        '--chain-deploy-block',
        String(cfg.deployBlock),
        '--chain-passphrase-file',
        cfg.passphraseFile
      ],
      { env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' } }
    )
    children.push(child)
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    assert.ok(await waitFor(() => out.trim().endsWith('}'), 60_000, 100), 'the doomed worker started')
    const doomedPeer = (JSON.parse(out) as { peerId: string }).peerId

    const requester = await node('requester', ['requester'], 4_000)
    assert.ok(
      await waitFor(async () => (await requester.requester!.workers.entries(true)).length >= 2, 30_000, 500)
    )
    const doomedWallet = await requester.settlement!.client.registry.workerOfPeer(
      (await import('@libp2p/peer-id')).peerIdFromString(doomedPeer).toMultihash().bytes
    )
    const stakeBefore = (await requester.settlement!.client.registry.workerInfo(doomedWallet)).stake_
    const steadyBefore = (await steady.settlement!.worker.balances()).market.withdrawable

    const jobId = await submit(requester, { start: 1, end: 8 })
    let killed = false
    requester.requester!.jobs.events.on('job', (event) => {
      if (!killed && event.jobId === jobId && event.type === 'progress' && event.worker === doomedPeer) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    assert.equal(await finished(requester, jobId), 'completed')
    assert.ok(killed, 'the doomed worker was killed while rendering')
    const earned = await earnedByWorker(requester, jobId)
    assert.deepEqual(
      [...earned.keys()],
      [steady.peerId.toString()],
      'only the live worker is paid for frames'
    )
    assert.ok(
      await waitFor(
        async () =>
          (await steady.settlement!.worker.balances()).market.withdrawable - steadyBefore ===
          afterFee(earned.get(steady.peerId.toString())!),
        30_000,
        250
      ),
      `the finishing worker is paid for every frame it delivered: got ${(await steady.settlement!.worker.balances()).market.withdrawable - steadyBefore}, owed ${afterFee(earned.get(steady.peerId.toString())!)}`
    )

    // the dead worker's task passes its due time: the requester's settlement expires it and slashes
    const provider = requester.settlement!.client.provider
    await provider.send('evm_increaseTime', [11 * 60])
    await provider.send('evm_mine', [])
    const slashed = await waitFor(
      async () => (await requester.settlement!.client.registry.workerInfo(doomedWallet)).stake_ < stakeBefore,
      60_000,
      500
    )
    assert.ok(slashed, 'the killed worker lost collateral from its stake')
  })
})
