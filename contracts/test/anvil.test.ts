import assert from 'node:assert/strict'
import { createConnection } from 'node:net'
import { describe, it } from 'node:test'
import { Wallet } from 'ethers'
import { ANVIL_CHAIN_ID, anvilProvider, startAnvil } from '../anvil.js'
import { AnvilError } from '../errors.js'

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('startAnvil', () => {
  it('runs two chains side by side on free ports with funded, known accounts, and stop() frees the port', async () => {
    const [a, b] = await Promise.all([
      startAnvil({ accounts: 3 }),
      startAnvil({ accounts: 2, chainId: 4242 })
    ])
    try {
      assert.notEqual(a.rpcUrl, b.rpcUrl)
      assert.equal(a.accounts.length, 3)
      assert.equal(b.accounts.length, 2)
      assert.equal(a.chainId, ANVIL_CHAIN_ID)
      const provider = anvilProvider(b)
      assert.equal((await provider.getNetwork()).chainId, 4242n)
      const first = new Wallet(b.accounts[0]!)
      assert.equal(first.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
      assert.equal(await provider.getBalance(first.address), 10_000n * 10n ** 18n)
      provider.destroy()
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
    const port = Number(new URL(a.rpcUrl).port)
    assert.equal(await portOpen(port), false)
    await a.stop() // a second stop is harmless
  })

  it('mines on its own with blockTime, and refuses a port that is taken', async () => {
    const chain = await startAnvil({ blockTime: 1, accounts: 1 })
    try {
      const provider = anvilProvider(chain)
      let block = await provider.getBlockNumber()
      for (let i = 0; i < 100 && block === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        block = await provider.getBlockNumber()
      }
      assert.ok(block > 0, 'no block was mined without transactions')
      provider.destroy()
      const port = Number(new URL(chain.rpcUrl).port)
      await assert.rejects(
        startAnvil({ port }),
        (err: unknown) => err instanceof AnvilError && err.code === 'ERR_ANVIL'
      )
    } finally {
      await chain.stop()
    }
  })
})
