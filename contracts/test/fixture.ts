import assert from 'node:assert/strict'
import {
  type ContractTransactionResponse,
  Interface,
  type InterfaceAbi,
  type JsonRpcProvider,
  type TransactionReceipt,
  Wallet
} from 'ethers'
import { type Anvil, anvilProvider, startAnvil } from '../anvil.js'
import { type DeployOptions, deployRynus, type RynusDeployment } from '../deploy.js'
import { confirmed } from '../tx.js'
import { jobMarketAbi } from '../types/JobMarket.js'
import { rynusTokenAbi } from '../types/RynusToken.js'
import { callbackTokenAbi } from '../types/test/CallbackToken.js'
import { reentrantTokenAbi } from '../types/test/ReentrantToken.js'
import { scriptedActorAbi } from '../types/test/ScriptedActor.js'
import { workerRegistryAbi } from '../types/WorkerRegistry.js'

/** Every custom error of every contract, so a revert is named whichever contract raised it. */
const errors = new Interface(
  [jobMarketAbi, workerRegistryAbi, rynusTokenAbi, reentrantTokenAbi, callbackTokenAbi, scriptedActorAbi]
    .flat()
    .filter((f) => f.type === 'error')
    .filter(
      (f, i, all) => all.findIndex((g) => JSON.stringify(g) === JSON.stringify(f)) === i
    ) as InterfaceAbi
)

export const ONE = 10n ** 18n

export interface Chain {
  anvil: Anvil
  provider: JsonRpcProvider
  /** Funded wallets: [0] deploys and governs. */
  wallets: Wallet[]
  stop(): Promise<void>
}

/**
 * One anvil for a test file. Its clock is deterministic: every block is exactly one second after
 * the previous one, whatever the wall clock does, so deadlines can be tested to the second.
 */
export async function startChain(accounts = 12): Promise<Chain> {
  const anvil = await startAnvil({ accounts })
  const provider = anvilProvider(anvil)
  await provider.send('anvil_setBlockTimestampInterval', [1])
  const wallets = anvil.accounts.map((key) => new Wallet(key, provider))
  return {
    anvil,
    provider,
    wallets,
    stop: async () => {
      provider.destroy()
      await anvil.stop()
    }
  }
}

/** Deploys the contracts from wallet 0 with short windows suited to tests. */
export function deployForTest(chain: Chain, opts: DeployOptions = {}): Promise<RynusDeployment> {
  return deployRynus(chain.wallets[0]!, {
    unbondingDelay: 1_000,
    ...opts,
    market: { challengeWindow: 100, disputeWindow: 200, quorum: 2, ...opts.market }
  })
}

/** Waits for a contract call's transaction and returns its successful receipt. */
export function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  return confirmed(tx)
}

/** Asserts that the call reverts with custom error `name` (and `args`, when given). */
export async function expectRevert(call: Promise<unknown>, name: string, args?: unknown[]): Promise<void> {
  try {
    await call
  } catch (err) {
    const data = revertData(err)
    const parsed = data === undefined ? null : errors.parseError(data)
    assert.ok(
      parsed !== null,
      `expected revert ${name}, got: ${err instanceof Error ? err.message : String(err)}`
    )
    assert.equal(parsed.name, name, `expected revert ${name}, got ${parsed.name}(${parsed.args.join(', ')})`)
    if (args !== undefined) assert.deepEqual([...parsed.args], args)
    return
  }
  assert.fail(`expected revert ${name}, but the call succeeded`)
}

/** The name of the custom error a failed call reverted with, or undefined when it is not one of ours. */
export function revertName(err: unknown): string | undefined {
  const data = revertData(err)
  return data === undefined ? undefined : (errors.parseError(data)?.name ?? undefined)
}

function revertData(err: unknown): string | undefined {
  let e: unknown = err
  for (let i = 0; i < 5 && e !== null && typeof e === 'object'; i++) {
    const data = (e as { data?: unknown }).data
    if (typeof data === 'string' && data.startsWith('0x')) return data
    e =
      (e as { error?: unknown; info?: { error?: unknown } }).error ??
      (e as { info?: { error?: unknown } }).info?.error
  }
  return undefined
}

/** Timestamp of the latest block. */
export async function now(chain: Chain): Promise<number> {
  const block = await chain.provider.getBlock('latest')
  assert.ok(block !== null)
  return block.timestamp
}

/** Mines one block at exactly `timestamp`, so the next reads and calls see that time. */
export async function mineAt(chain: Chain, timestamp: number): Promise<void> {
  await chain.provider.send('evm_mine', [timestamp])
}

/** Moves the chain `seconds` ahead of its latest block. */
export async function advance(chain: Chain, seconds: number): Promise<number> {
  const t = (await now(chain)) + seconds
  await mineAt(chain, t)
  return t
}

export async function snapshot(chain: Chain): Promise<string> {
  return chain.provider.send('evm_snapshot', [])
}

export async function revertTo(chain: Chain, id: string): Promise<void> {
  assert.equal(await chain.provider.send('evm_revert', [id]), true)
}

/** The events `contract` emitted in `receipt`, by name, in order. */
export function eventsOf(
  receipt: TransactionReceipt,
  contract: { interface: Interface }
): Array<{ name: string; args: unknown[] }> {
  const out: Array<{ name: string; args: unknown[] }> = []
  for (const log of receipt.logs) {
    const parsed = contract.interface.parseLog(log)
    if (parsed !== null) out.push({ name: parsed.name, args: [...parsed.args] })
  }
  return out
}
