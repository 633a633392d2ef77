import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { JsonRpcProvider, parseEther } from 'ethers'
import { connectRynusToken } from '../../contracts/types/RynusToken.js'
import { ApiServer } from '../../node/api/server.js'
import { registerWalletRoutes } from '../../node/api/wallet-routes.js'
import {
  type NodeSettlement,
  openSettlement,
  type WalletHistory,
  walletAddress
} from '../../node/chain/index.js'
import { defaultConfig } from '../../node/config/config.js'
import { validateConfig } from '../../node/config/load.js'
import { ensureDataDir, loadOrCreateApiToken, loadOrCreatePeerKey } from '../../node/data-dir.js'
import { ChainDevnetService, DEVNET_PASSPHRASE_FILE } from '../../node/devnet/chain-service.js'
import type { DevnetNode } from '../../node/devnet/devnet.js'
import { DEVNET_NODES } from '../../node/devnet/plan.js'
import { silentLogger } from '../../protocols/common/logger.js'

const BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))
const TOKEN = 10n ** 18n

/** Runs the real CLI and returns its parsed --json output. */
function cli<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--json'],
      { env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`rynus-node ${args.join(' ')} failed: ${stderr}`))
        else resolve(JSON.parse(stdout) as T)
      }
    )
  })
}

interface Balances {
  wallet: { eth: string; tokens: string }
  market: { withdrawable: string; locked: string }
  stake: string
}

describe('settlement on the devnet chain', () => {
  let baseDir: string
  let nodes: DevnetNode[]
  let service: ChainDevnetService
  const running: Array<{ stop(): Promise<void> }> = []

  before(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'rynus-settle-'))
    nodes = []
    for (const spec of DEVNET_NODES) {
      const dataDir = join(baseDir, spec.name)
      await ensureDataDir(dataDir)
      const peerId = peerIdFromPrivateKey(await loadOrCreatePeerKey(dataDir)).toString()
      const token = await loadOrCreateApiToken(dataDir)
      nodes.push({ spec, dataDir, peerId, token, apiBase: '' })
    }
    service = new ChainDevnetService({ port: 0 })
    await service.start({ baseDir, nodes, logger: silentLogger })
  })

  after(async () => {
    for (const part of running.reverse()) await part.stop()
    await service?.stop()
    await rm(baseDir, { recursive: true, force: true })
  })

  const node = (name: string): DevnetNode => nodes.find((n) => n.spec.name === name)!

  it('gives every node a funded wallet and writes the chain into its config', async () => {
    const provider = new JsonRpcProvider(service.chainConfig(nodes[0]!).rpcUrl, undefined, {
      staticNetwork: true
    })
    try {
      for (const n of nodes) {
        const config = defaultConfig()
        service.configure(n, config)
        validateConfig(config)
        assert.equal(config.chain.passphraseFile, join(n.dataDir, DEVNET_PASSPHRASE_FILE))
        assert.equal((await stat(config.chain.passphraseFile)).mode & 0o777, 0o600)
        const address = await walletAddress(n.dataDir)
        assert.ok(address !== undefined, `${n.spec.name} has a wallet`)
        assert.equal(await provider.getBalance(address), parseEther('100'))
        const tokens = await connectRynusToken(config.chain.token, provider).balanceOf(address)
        const expected = n.spec.roles.includes('requester')
          ? 100_000n
          : n.spec.roles.includes('worker')
            ? 1_000n
            : 0n
        assert.equal(tokens, expected * TOKEN, `${n.spec.name} holds its tokens`)
      }
      assert.ok(service.summary().some((line) => line.includes(service.chainConfig(nodes[0]!).market)))
    } finally {
      provider.destroy()
    }
  })

  it('pays a worker through the CLI and API: stake, earn after the challenge window without the requester, withdraw', async () => {
    const open = async (name: string): Promise<NodeSettlement> => {
      const n = node(name)
      const s = await openSettlement({
        dataDir: n.dataDir,
        config: service.chainConfig(n),
        pollMs: 50,
        autoReleaseMs: 600_000,
        env: {}
      })
      assert.ok(s !== undefined)
      await s.start()
      running.push(s)
      return s
    }
    const worker = await open('worker-1')
    const requester = await open('requester')
    await worker.worker.ensureRegistered(await loadOrCreatePeerKey(node('worker-1').dataDir))

    const api = new ApiServer(
      { host: '127.0.0.1', port: 0, token: node('worker-1').token },
      { logger: silentLogger }
    )
    registerWalletRoutes(api, { dataDir: node('worker-1').dataDir, settlement: () => worker })
    await api.start()
    running.push(api)
    await writeFile(join(node('worker-1').dataDir, 'api-address'), `http://127.0.0.1:${api.address().port}\n`)
    const dir = ['--data-dir', node('worker-1').dataDir]

    const deposit = await cli<{ balances: Balances }>(['wallet', 'deposit', '100', ...dir])
    assert.equal(BigInt(deposit.balances.stake), 100n * TOKEN)
    assert.equal(BigInt(deposit.balances.wallet.tokens), 900n * TOKEN)
    assert.equal((await cli<{ address: string }>(['wallet', 'address', ...dir])).address, worker.address)

    const now = await requester.client.chainTime()
    const jobId = await requester.requester.escrowJob('bafy-devnet-job', 50n * TOKEN, (now + 3_600) * 1000)
    const taskId = await requester.requester.addTask(
      jobId,
      0,
      node('worker-1').peerId,
      2n * TOKEN,
      5,
      (now + 600) * 1000
    )
    await worker.worker.acceptTask(taskId, { priceTotal: 10n * TOKEN, jobId })
    await worker.worker.commitResult(taskId, [{ frame: 1, cid: 'bafyframe1' }])
    await requester.stop() // the requester goes away after delivery
    running.splice(running.indexOf(requester), 1)

    await worker.client.provider.send('evm_increaseTime', [31])
    await worker.client.provider.send('evm_mine', [])
    await worker.client.events.catchUp()
    assert.deepEqual((await worker.autoRelease.runDue()).released, [taskId])

    const view = await cli<{ enabled: boolean; balances: Balances }>(['wallet', 'balance', ...dir])
    assert.equal(view.enabled, true)
    assert.equal(
      BigInt(view.balances.market.withdrawable),
      10n * TOKEN - (10n * TOKEN) / 100n,
      'price minus the 1% fee'
    )
    const out = await cli<{ withdrawn: string; balances: Balances }>(['wallet', 'withdraw', ...dir])
    assert.equal(BigInt(out.withdrawn), (99n * TOKEN) / 10n)
    assert.equal(BigInt(out.balances.wallet.tokens), 900n * TOKEN + (99n * TOKEN) / 10n)
    assert.equal(BigInt(out.balances.market.withdrawable), 0n)

    // the wallet page's history: the earning and the withdrawal, each with its transaction
    const res = await fetch(`http://127.0.0.1:${api.address().port}/api/v1/wallet/history`, {
      headers: { authorization: `Bearer ${node('worker-1').token}` }
    })
    assert.equal(res.status, 200)
    const history = (await res.json()) as WalletHistory
    const kinds = history.entries.map((e) => [e.kind, BigInt(e.amount)])
    assert.deepEqual(kinds, [
      ['withdrawn', (99n * TOKEN) / 10n],
      ['earned', (99n * TOKEN) / 10n]
    ])
    assert.equal(history.entries[1]!.taskId, taskId.toString())
    assert.equal(history.entries[1]!.jobId, jobId.toString())
    for (const entry of history.entries) {
      const receipt = await worker.client.provider.getTransactionReceipt(entry.txHash)
      assert.equal(receipt?.status, 1, `${entry.kind} names a mined transaction`)
    }
    assert.deepEqual(history.escrows, [], 'the worker escrowed nothing')
  })

  it('keeps each node its wallet when the devnet starts again on a fresh chain', async () => {
    const before = await Promise.all(nodes.map((n) => walletAddress(n.dataDir)))
    const again = new ChainDevnetService({ port: 0 })
    await again.start({ baseDir, nodes, logger: silentLogger })
    try {
      assert.deepEqual(await Promise.all(nodes.map((n) => walletAddress(n.dataDir))), before)
      const s = await openSettlement({
        dataDir: node('worker-2').dataDir,
        config: again.chainConfig(node('worker-2')),
        env: {}
      })
      assert.ok(s !== undefined)
      await s.start()
      try {
        assert.equal(
          (await s.worker.balances()).wallet.tokens,
          1_000n * TOKEN,
          'funded again on the new chain'
        )
      } finally {
        await s.stop()
      }
    } finally {
      await again.stop()
    }
  })
})
