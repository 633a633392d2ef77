// Gas per settlement operation and per settled task, single and batched, on a real anvil.
//   npm run bench:gas      (tsc first; runs dist/simulations/bench/gas.js)
// Prints one table and the ratio of each figure to its target from the settlement issue.

import type { ContractTransactionResponse } from 'ethers'
import { id, Signature, Wallet } from 'ethers'
import { anvilProvider, startAnvil } from '../../contracts/anvil.js'
import { DEFAULT_MARKET_CONFIG, deployRynus, type RynusDeployment } from '../../contracts/deploy.js'
import { jobIdOf, taskIdOf } from '../../contracts/ids.js'
import { confirmed } from '../../contracts/tx.js'

const TARGET_RELEASE = 60_000
const TARGET_BATCHED = 25_000
const TARGET_LIFE = 300_000
const BATCH = 20
const PRICE = 10n ** 18n
const BUDGET = PRICE * 100n

interface Row {
  what: string
  gas: number
  target?: number
}

const rows: Row[] = []
const record = (what: string, gas: number | bigint, target?: number): void => {
  rows.push({ what, gas: Number(gas), target })
}

async function gas(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return (await confirmed(tx)).gasUsed
}

async function main(): Promise<void> {
  const anvil = await startAnvil({ accounts: 2 * BATCH + 8 })
  const provider = anvilProvider(anvil)
  const [gov, requester, ...rest] = anvil.accounts.map((k) => new Wallet(k, provider))
  const globals = rest.slice(0, BATCH) // global tier, staked
  const trusted = rest.slice(BATCH, 2 * BATCH) // trusted tier, never paid before their first release
  const stranger = rest[2 * BATCH]!
  try {
    const d = await deployRynus(gov!)
    const { token, registry, market } = d
    const marketAddress = await market.getAddress()
    const registryAddress = await registry.getAddress()
    await gas(token.mint(requester!.address, BUDGET * 1000n))
    for (const w of [...globals, ...trusted]) {
      await gas(token.mint(w.address, BUDGET))
      await gas(token.connect(w).approve(registryAddress, BUDGET))
      await gas(registry.connect(w).register(peerIdFor(w.address), '0x'))
    }
    for (const w of globals) await gas(registry.connect(w).stake(PRICE * 10n))
    for (const w of trusted) await gas(registry.setTier(w.address, 1))

    const r = market.connect(requester!)
    const chainNow = async (): Promise<number> => (await provider.getBlock('latest'))!.timestamp
    const pastWindow = async (): Promise<void> => {
      await provider.send('evm_mine', [(await chainNow()) + DEFAULT_MARKET_CONFIG.challengeWindow + 1])
    }
    let nonce = 0n
    const newJob = async (budget: bigint): Promise<[bigint, bigint]> => {
      await gas(token.connect(requester!).approve(marketAddress, budget))
      const n = ++nonce
      const g = await gas(r.createJob(n, budget, (await chainNow()) + 86_400))
      return [jobIdOf(requester!.address, n), g]
    }
    /** add + accept + commit one task; returns the task id and the gas of each step. */
    const runTask = async (jobId: bigint, w: Wallet): Promise<[bigint, bigint, bigint, bigint]> => {
      const index = (await market.getJob(jobId)).taskCount
      const add = await gas(r.addTask(jobId, index, w.address, PRICE, (await chainNow()) + 3_600))
      const taskId = taskIdOf(jobId, index)
      const accept = await gas(market.connect(w).acceptTask(taskId))
      const commit = await gas(market.connect(w).commitResult(taskId, id(`result ${taskId}`)))
      return [taskId, add, accept, commit]
    }

    // Warm-up: the market's first job ever also creates its token balance and job counter.
    const [warmJob] = await newJob(PRICE)
    await gas(r.refundUnspent(warmJob))

    // A one-task job's whole life, for a worker whose market account is empty (first task, or
    // everything withdrawn) and for one that already has a balance.
    for (const [label, w] of [
      ['global worker, empty account', globals[0]!],
      ['global worker, account in use', globals[0]!],
      ['trusted worker, empty account', trusted[0]!]
    ] as const) {
      const [jobId, create] = await newJob(PRICE)
      const [taskId, add, accept, commit] = await runTask(jobId, w)
      await pastWindow()
      const release = await gas(market.connect(stranger).release(taskId))
      if (label.startsWith('global worker, empty')) {
        record('createJob (exact approval)', create)
        record('addTask', add)
        record('acceptTask (global, locks collateral)', accept)
        record('commitResult', commit)
      }
      if (label.startsWith('trusted')) record('acceptTask (trusted, no collateral)', accept)
      record(`release one task: ${label}`, release, TARGET_RELEASE)
      record(`one-task job life: ${label}`, create + add + accept + commit + release, TARGET_LIFE)
    }

    // Other single operations.
    const [permitJob] = [await permitCreate(d, requester!, chainNow)]
    record('createJobWithPermit (no prior approve tx)', permitJob)
    const [jobId] = await newJob(BUDGET)
    const [t1] = await runTask(jobId, globals[1]!)
    record('acceptResult (requester, before window)', await gas(r.acceptResult(t1)))
    const [t2] = await runTask(jobId, globals[1]!)
    record('challenge', await gas(r.challenge(t2)))
    record('vote (first)', await gas(market.connect(trusted[1]!).vote(t2, false)))
    record(
      'vote (quorum: rejects, slashes collateral)',
      await gas(market.connect(trusted[2]!).vote(t2, false))
    )
    const i3 = (await market.getJob(jobId)).taskCount
    const t3 = taskIdOf(jobId, i3)
    await gas(r.addTask(jobId, i3, globals[2]!.address, PRICE, (await chainNow()) + 100))
    await gas(market.connect(globals[2]!).acceptTask(t3))
    await provider.send('evm_mine', [(await chainNow()) + 101])
    record('expireTask (missed deadline, slashes)', await gas(market.connect(stranger).expireTask(t3)))
    // A worker that stopped part-way is paid for 3 of 10 units; the rest goes back to the job.
    const partial = async (w: Wallet): Promise<bigint> => {
      const index = (await market.getJob(jobId)).taskCount
      const taskId = taskIdOf(jobId, index)
      await gas(r.addTask(jobId, index, w.address, PRICE, (await chainNow()) + 3_600))
      await gas(market.connect(w).acceptTask(taskId))
      return gas(r.settlePartial(taskId, (PRICE * 3n) / 10n))
    }
    record('settlePartial 3/10 (global, collateral unlocked)', await partial(globals[3]!))
    record('settlePartial 3/10 (trusted, no collateral)', await partial(trusted[3]!))
    record('refundUnspent', await gas(r.refundUnspent(jobId)))
    record('withdraw', await gas(market.connect(globals[0]!).withdraw(PRICE / 2n)))

    // Batches of BATCH tasks released by anyone after the window.
    const batch = async (label: string, workers: Wallet[]): Promise<void> => {
      const [job] = await newJob(PRICE * BigInt(BATCH))
      const ids: bigint[] = []
      for (let i = 0; i < BATCH; i++) ids.push((await runTask(job, workers[i % workers.length]!))[0])
      await pastWindow()
      const g = await gas(market.connect(stranger).settleBatch(ids))
      record(`settleBatch ${BATCH}: ${label} (whole tx)`, g)
      record(`settleBatch ${BATCH}: ${label} (per task)`, Number(g) / BATCH, TARGET_BATCHED)
    }
    await batch('4 global workers', globals.slice(0, 4))
    await batch(`${BATCH} global workers`, globals)
    await batch(`${BATCH} trusted workers, empty accounts`, trusted.slice(0, BATCH))
  } finally {
    provider.destroy()
    await anvil.stop()
  }
  print()
}

async function permitCreate(
  d: RynusDeployment,
  requester: Wallet,
  chainNow: () => Promise<number>
): Promise<bigint> {
  const { token, market, addresses } = d
  const deadline = (await chainNow()) + 3_600
  const nonce = await token.nonces(requester.address)
  const sig = Signature.from(
    await requester.signTypedData(
      { name: 'Rynus', version: '1', chainId: addresses.chainId, verifyingContract: addresses.token },
      {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' }
        ]
      },
      { owner: requester.address, spender: addresses.market, value: PRICE, nonce, deadline }
    )
  )
  return gas(
    market.connect(requester).createJobWithPermit(1n << 40n, PRICE, deadline, deadline, sig.v, sig.r, sig.s)
  )
}

/** A stand-in libp2p Ed25519 peer id (identity multihash of a protobuf public key): 38 bytes. */
function peerIdFor(address: string): string {
  return `0x002408011220${id(address).slice(2)}`
}

function print(): void {
  const w = Math.max(...rows.map((r) => r.what.length))
  console.log(`${'operation'.padEnd(w)}  ${'gas'.padStart(9)}  ${'target'.padStart(9)}  ratio`)
  for (const r of rows) {
    const target = r.target === undefined ? '' : String(r.target)
    const ratio =
      r.target === undefined ? '' : `${(r.gas / r.target).toFixed(2)}${r.gas <= r.target ? '  ok' : '  OVER'}`
    console.log(
      `${r.what.padEnd(w)}  ${String(Math.round(r.gas)).padStart(9)}  ${target.padStart(9)}  ${ratio}`
    )
  }
}

await main()
