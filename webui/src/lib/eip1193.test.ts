import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chainIdOf, type Eip1193Provider, erc20TransferData, fundFromBrowserWallet } from './eip1193.js'

const NODE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

describe('funding from a browser wallet', () => {
  it('encodes an ERC-20 transfer exactly', () => {
    assert.equal(
      erc20TransferData(NODE, 10n ** 18n),
      '0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000000000000000de0b6b3a7640000'
    )
    assert.throws(() => erc20TransferData('0x1234', 1n), /not an address/)
    assert.throws(() => erc20TransferData(NODE, 0n), /more than 0/)
  })

  it('reads hex chain ids', () => {
    assert.equal(chainIdOf('0x7a69'), 31337)
    assert.equal(chainIdOf('31337'), null)
  })

  function wallet(chain: string, calls: unknown[][]): Eip1193Provider {
    return {
      async request({ method, params }) {
        calls.push([method, params])
        if (method === 'eth_requestAccounts') return ['0x00000000000000000000000000000000000000aa']
        if (method === 'eth_chainId') return chain
        if (method === 'eth_sendTransaction') return `0x${'ab'.repeat(32)}`
        throw new Error(method)
      }
    }
  }

  it('sends the tokens to the node from the first account on the right chain', async () => {
    const calls: unknown[][] = []
    const hash = await fundFromBrowserWallet(wallet('0x7a69', calls), {
      token: TOKEN,
      to: NODE,
      amount: 5n,
      chainId: 31337
    })
    assert.equal(hash, `0x${'ab'.repeat(32)}`)
    const [, params] = calls.at(-1) as [string, Array<{ to: string; data: string; from: string }>]
    assert.equal(params[0]!.to, TOKEN)
    assert.equal(params[0]!.from, '0x00000000000000000000000000000000000000aa')
    assert.equal(params[0]!.data, erc20TransferData(NODE, 5n))
  })

  it('says to switch networks when the wallet is on another chain, and sends nothing', async () => {
    const calls: unknown[][] = []
    await assert.rejects(
      fundFromBrowserWallet(wallet('0x1', calls), { token: TOKEN, to: NODE, amount: 5n, chainId: 31337 }),
      /on chain 1, the node settles on chain 31337; switch networks/
    )
    assert.ok(!calls.some(([m]) => m === 'eth_sendTransaction'))
  })
})
