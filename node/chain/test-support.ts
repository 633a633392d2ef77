// Shared by the chain tests: one real anvil with the contracts, funded wallets, clients on temp data dirs.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { type JsonRpcProvider, parseEther, Wallet } from 'ethers'
import { type Anvil, anvilProvider, startAnvil } from '../../contracts/anvil.js'
import { deployRynus, type RynusDeployment } from '../../contracts/deploy.js'
import { confirmed } from '../../contracts/tx.js'
import { ChainClient, type ChainConfig } from './client.js'
import { CHAIN_DB_DIR } from './constants.js'
import { SettlementStore } from './store.js'

export const TOKEN = 10n ** 18n
export const CHALLENGE_WINDOW = 100

export interface TestChain {
  anvil: Anvil
  provider: JsonRpcProvider
  deployment: RynusDeployment
  config: ChainConfig
  /** A funded wallet with ETH and `tokens` tokens. */
  fundedWallet(tokens: bigint): Promise<Wallet>
  /** Moves the chain's clock forward and mines a block. */
  advance(seconds: number): Promise<void>
  stop(): Promise<void>
}

export async function startTestChain(): Promise<TestChain> {
  const anvil = await startAnvil({ accounts: 2 })
  const provider = anvilProvider(anvil)
  const deployer = new Wallet(anvil.accounts[0]!, provider)
  const deployment = await deployRynus(deployer, {
    unbondingDelay: 1_000,
    market: { challengeWindow: CHALLENGE_WINDOW, disputeWindow: 200, quorum: 2 }
  })
  const { addresses } = deployment
  const config: ChainConfig = {
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    token: addresses.token,
    registry: addresses.registry,
    market: addresses.market,
    deployBlock: addresses.deployBlock,
    confirmations: 1,
    passphraseFile: ''
  }
  return {
    anvil,
    provider,
    deployment,
    config,
    fundedWallet: async (tokens) => {
      const wallet = Wallet.createRandom().connect(provider)
      await confirmed(deployer.sendTransaction({ to: wallet.address, value: parseEther('10') }))
      if (tokens > 0n) await confirmed(deployment.token.mint(wallet.address, tokens))
      return new Wallet(wallet.privateKey)
    },
    advance: async (seconds) => {
      await provider.send('evm_increaseTime', [seconds])
      await provider.send('evm_mine', [])
    },
    stop: async () => {
      provider.destroy()
      await anvil.stop()
    }
  }
}

export interface TestNode {
  dataDir: string
  wallet: Wallet
  peerKey: PrivateKey
  peerId: string
  client: ChainClient
  /** Stops the client and closes its store (the data dir stays). */
  close(): Promise<void>
  /** A new client on the same data dir and wallet, started: a restarted node. */
  restart(): Promise<TestNode>
}

const dirs: string[] = []

/** A started client for `wallet` on a fresh (or given) data dir. */
export async function startTestNode(
  chain: TestChain,
  wallet: Wallet,
  opts: { dataDir?: string; peerKey?: PrivateKey } = {}
): Promise<TestNode> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'rynus-chain-')))
  if (opts.dataDir === undefined) dirs.push(dataDir)
  const peerKey = opts.peerKey ?? (await generateKeyPair('Ed25519'))
  const store = await SettlementStore.open(join(dataDir, CHAIN_DB_DIR))
  const client = new ChainClient(chain.config, { wallet, store }, { pollMs: 20 })
  await client.start()
  const node: TestNode = {
    dataDir,
    wallet,
    peerKey,
    peerId: peerIdFromPrivateKey(peerKey).toString(),
    client,
    close: async () => {
      await client.stop()
      await store.close()
    },
    restart: async () => {
      await node.close()
      return startTestNode(chain, wallet, { dataDir, peerKey })
    }
  }
  return node
}

export async function removeTestDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
}
