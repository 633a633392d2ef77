import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Wallet } from 'ethers'
import { ChainStoppedError } from './errors.js'
import type { MarketEvent } from './market-events.js'
import { RequesterSettlement } from './requester-settlement.js'
import {
  removeTestDirs,
  startTestChain,
  startTestNode,
  type TestChain,
  type TestNode,
  TOKEN
} from './test-support.js'
import { WorkerSettlement } from './worker-settlement.js'

const BUDGET = 40n * TOKEN

describe('settlement across restarts, lost and replaced transactions, reorgs', () => {
  let chain: TestChain
  let wallet: Wallet

  before(async () => {
    chain = await startTestChain()
    wallet = await chain.fundedWallet(1_000n * TOKEN)
  })

  after(async () => {
    await chain?.provider.send('evm_setAutomine', [true]).catch(() => undefined)
    await chain?.stop()
    await removeTestDirs()
  })

  const tokensOf = (address: string): Promise<bigint> => chain.deployment.token.balanceOf(address)

  const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10))
    assert.ok(await check(), 'the condition came true in time')
  }

  /**
   * Escrows a job with automine off and stops the node right after the createJob transaction is
   * sent, before it is mined: what a crash between sending and confirming leaves behind.
   */
  async function crashWhileEscrowing(node: TestNode, cid: string, deadlineMs: number): Promise<string> {
    const requester = new RequesterSettlement({ client: node.client })
    await chain.provider.send('evm_setAutomine', [false])
    // settled into a value at once: the rejection at close() must not count as unhandled
    const escrow = requester.escrowJob(cid, BUDGET, deadlineMs).then(
      () => undefined,
      (err: unknown) => err
    )
    await waitFor(async () =>
      (await node.client.store.actions()).some(
        ([key, r]) => key.startsWith(`escrow:${cid}:approve`) && r.state === 'sent'
      )
    )
    await chain.provider.send('evm_mine', [])
    await waitFor(async () => (await node.client.action(`escrow:${cid}`))?.state === 'sent')
    await node.close()
    assert.ok((await escrow) instanceof ChainStoppedError, 'the escrow call ends with the client')
    return (await chain.provider.send('eth_getBlockByNumber', ['pending', false])).transactions[0] as string
  }

  const deadline = async (): Promise<number> =>
    ((await chain.provider.getBlock('latest'))!.timestamp + 3_600) * 1000

  it('finds the transaction mined while the node was down and does not escrow again', async () => {
    const node = await startTestNode(chain, wallet)
    const before = await tokensOf(wallet.address)
    const cid = 'bafy-mined-while-down'
    const due = await deadline()
    const sentHash = await crashWhileEscrowing(node, cid, due)
    await chain.provider.send('evm_mine', [])
    await chain.provider.send('evm_setAutomine', [true])
    const restarted = await startTestNode(chain, wallet, { dataDir: node.dataDir })
    try {
      const jobId = await new RequesterSettlement({ client: restarted.client }).escrowJob(cid, BUDGET, due)
      assert.equal((await restarted.client.action(`escrow:${cid}`))?.txHash, sentHash, 'the same transaction')
      await waitFor(async () => (await restarted.client.action(`escrow:${cid}`))?.state === 'confirmed')
      assert.equal((await restarted.client.market.getJob(jobId)).available, BUDGET)
      assert.equal(await tokensOf(wallet.address), before - BUDGET, 'paid exactly once')
    } finally {
      await restarted.close()
    }
  })

  it('broadcasts the same signed transaction again when the chain lost it, and pays once', async () => {
    const node = await startTestNode(chain, wallet)
    const before = await tokensOf(wallet.address)
    const cid = 'bafy-dropped-while-down'
    const due = await deadline()
    const sentHash = await crashWhileEscrowing(node, cid, due)
    await chain.provider.send('anvil_dropTransaction', [sentHash])
    assert.equal(await chain.provider.getTransaction(sentHash), null, 'the chain forgot it')
    await chain.provider.send('evm_setAutomine', [true])
    const restarted = await startTestNode(chain, wallet, { dataDir: node.dataDir })
    try {
      await new RequesterSettlement({ client: restarted.client }).escrowJob(cid, BUDGET, due)
      assert.equal((await restarted.client.action(`escrow:${cid}`))?.txHash, sentHash, 'the same transaction')
      assert.equal((await chain.provider.getTransactionReceipt(sentHash))?.status, 1)
      assert.equal(await tokensOf(wallet.address), before - BUDGET, 'paid exactly once')
    } finally {
      await restarted.close()
    }
  })

  it('decides again from the chain when another transaction replaced the pending one', async () => {
    const node = await startTestNode(chain, wallet)
    const before = await tokensOf(wallet.address)
    const cid = 'bafy-replaced-while-down'
    const due = await deadline()
    const sentHash = await crashWhileEscrowing(node, cid, due)
    const pending = await chain.provider.getTransaction(sentHash)
    assert.ok(pending !== null)
    // the same nonce spent on something else with a higher fee (a wallet's "cancel")
    const signer = wallet.connect(chain.provider)
    await signer.sendTransaction({
      to: wallet.address,
      value: 0n,
      nonce: pending.nonce,
      maxFeePerGas: (pending.maxFeePerGas ?? 0n) * 2n,
      maxPriorityFeePerGas: (pending.maxPriorityFeePerGas ?? 0n) * 2n
    })
    await chain.provider.send('evm_mine', [])
    await chain.provider.send('evm_setAutomine', [true])
    assert.equal(await chain.provider.getTransactionReceipt(sentHash), null, 'the escrow never ran')
    const restarted = await startTestNode(chain, wallet, { dataDir: node.dataDir })
    try {
      const jobId = await new RequesterSettlement({ client: restarted.client }).escrowJob(cid, BUDGET, due)
      assert.notEqual((await restarted.client.action(`escrow:${cid}`))?.txHash, sentHash, 'a new transaction')
      assert.equal((await restarted.client.market.getJob(jobId)).available, BUDGET)
      assert.equal(await tokensOf(wallet.address), before - BUDGET, 'paid exactly once')
    } finally {
      await restarted.close()
    }
  })

  it('replays market events from its cursor after a restart, each once, and sees the events of a reorged chain', async () => {
    const seen: MarketEvent[] = []
    const worker = await startTestNode(chain, await chain.fundedWallet(10n * TOKEN))
    await new WorkerSettlement({ client: worker.client }).ensureRegistered(worker.peerKey)
    await worker.close()

    let node = await startTestNode(chain, wallet)
    node.client.on('TaskAdded', (e) => {
      seen.push(e)
    })
    const requester = (n: TestNode): RequesterSettlement => new RequesterSettlement({ client: n.client })
    const jobDeadline = await deadline()
    const due = jobDeadline - 600_000
    const jobId = await requester(node).escrowJob('bafy-events', BUDGET, jobDeadline)
    await requester(node).addTask(jobId, 0, worker.peerId, TOKEN, 1, due)
    await node.client.events.catchUp()
    assert.deepEqual(
      seen.map((e) => e.name),
      ['TaskAdded']
    )
    await node.close()

    // while this node is down, another client of the same wallet adds two tasks
    const other = await startTestNode(chain, wallet)
    await requester(other).addTask(jobId, 1, worker.peerId, TOKEN, 1, due)
    await requester(other).addTask(jobId, 2, worker.peerId, TOKEN, 1, due)
    await other.close()

    node = await startTestNode(chain, wallet, { dataDir: node.dataDir })
    try {
      const replayed: bigint[] = []
      node.client.on('TaskAdded', (e) => {
        replayed.push(e.taskId & 0xffffffffn)
      })
      await node.client.events.catchUp()
      assert.deepEqual(replayed, [1n, 2n], 'only the events after the cursor, in order')

      // a reorg: the block with task 3 is replaced by one with task 4
      const snapshot = await chain.provider.send('evm_snapshot', [])
      await requester(node).addTask(jobId, 3, worker.peerId, TOKEN, 1, due)
      await node.client.events.catchUp()
      await chain.provider.send('evm_revert', [snapshot])
      await requester(node).addTask(jobId, 4, worker.peerId, TOKEN, 1, due)
      await node.client.events.catchUp()
      await node.client.events.catchUp()
      assert.deepEqual(replayed, [1n, 2n, 3n, 4n])
    } finally {
      await node.close()
    }
  })

  it('pays a delivered part once: after a crash the same signed settlePartial goes out again, whatever is asked next', async () => {
    const workerNode = await startTestNode(chain, await chain.fundedWallet(100n * TOKEN))
    const worker = new WorkerSettlement({ client: workerNode.client })
    await worker.ensureRegistered(workerNode.peerKey)
    await worker.ensureStake(50n * TOKEN)
    const node = await startTestNode(chain, wallet)
    const jobDeadline = await deadline()
    const requester = new RequesterSettlement({ client: node.client })
    const jobId = await requester.escrowJob('bafy-partial-crash', BUDGET, jobDeadline)
    const taskId = await requester.addTask(jobId, 0, workerNode.peerId, TOKEN, 10, jobDeadline - 600_000)
    await worker.acceptTask(taskId, { priceTotal: 10n * TOKEN, jobId })

    await chain.provider.send('evm_setAutomine', [false])
    const key = `task:${taskId}:partial`
    const partial = requester.settlePartial(taskId, 3n * TOKEN).then(
      () => undefined,
      (err: unknown) => err
    )
    await waitFor(async () => (await node.client.action(key))?.state === 'sent')
    const sentHash = (await node.client.action(key))!.txHash
    await node.close()
    assert.ok((await partial) instanceof ChainStoppedError, 'the call ends with the client')
    await chain.provider.send('anvil_dropTransaction', [sentHash])
    await chain.provider.send('evm_setAutomine', [true])

    const restarted = await startTestNode(chain, wallet, { dataDir: node.dataDir })
    try {
      // the restarted node asks for more (say it counted again): the recorded transaction stands
      const again = new RequesterSettlement({ client: restarted.client })
      assert.equal(await again.settlePartial(taskId, 5n * TOKEN), true)
      assert.equal((await restarted.client.action(key))?.txHash, sentHash, 'the same signed transaction')
      assert.equal(await again.settlePartial(taskId, 5n * TOKEN), true)
      const { market } = restarted.client
      const fee = (3n * TOKEN) / 100n
      assert.equal(
        (await market.accountOf(worker.address)).withdrawable,
        3n * TOKEN - fee,
        'paid once, 3 of 10'
      )
      const released = await market.queryFilter(market.filters.TaskReleased(taskId))
      const cut = await market.queryFilter(market.filters.TaskCut(taskId))
      assert.deepEqual([released.length, cut.length], [1, 1])
    } finally {
      await restarted.close()
      await workerNode.close()
    }
  })
})
