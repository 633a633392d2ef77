import type { ChainClient } from './client.js'
import { decodeMarketEvent, MARKET_EVENT_TOPICS, type MarketEvent } from './market-events.js'

/** Blocks looked back for the wallet's history (about a week of 12 s blocks). */
export const HISTORY_BLOCKS = 50_000
/** Entries returned, newest first. */
export const HISTORY_ENTRIES = 200

/** One movement of this address's tokens in the market, with the transaction that made it. */
export interface WalletEntry {
  kind: 'escrowed' | 'paid' | 'earned' | 'refunded' | 'withdrawn' | 'slashed'
  /** Token base units, decimal. */
  amount: string
  /** Chain job id (decimal) where the entry belongs to a job. */
  jobId?: string
  taskId?: string
  /** The other side: the worker paid, or the requester that paid. */
  counterparty?: string
  txHash: string
  blockNumber: number
}

/** A job this address escrowed for, and where its budget went. Amounts are decimal base units. */
export interface JobEscrow {
  jobId: string
  budget: string
  paid: string
  refunded: string
  /** Still held by the market for this job: budget − paid − refunded. */
  held: string
  tasks: number
  txHash: string
}

export interface WalletHistory {
  entries: WalletEntry[]
  escrows: JobEscrow[]
  fromBlock: number
}

/**
 * This address's side of the market, read from the JobMarket's events of the last
 * HISTORY_BLOCKS blocks: budgets escrowed, workers paid and the fee, refunds, earnings as a
 * worker, slashes and withdrawals, each with its transaction hash; and per job what is still
 * in escrow.
 */
export async function walletHistory(client: ChainClient): Promise<WalletHistory> {
  const head = await client.provider.getBlockNumber()
  const fromBlock = Math.max(client.config.deployBlock, head - HISTORY_BLOCKS)
  const logs = await client.provider.getLogs({
    address: client.config.market,
    fromBlock,
    toBlock: head,
    topics: [MARKET_EVENT_TOPICS]
  })
  const events = logs.map(decodeMarketEvent).filter((e): e is MarketEvent => e !== undefined)
  return summarise(events, client.address, fromBlock)
}

/** The pure part of walletHistory: events in chain order → entries and escrows for `address`. */
export function summarise(events: readonly MarketEvent[], address: string, fromBlock: number): WalletHistory {
  const me = address.toLowerCase()
  const mine = (a: string): boolean => a.toLowerCase() === me
  const jobs = new Map<bigint, JobEscrow & { spent: bigint; back: bigint }>()
  const taskJob = new Map<bigint, { jobId: bigint; worker: string; collateralMine: boolean }>()
  const entries: WalletEntry[] = []
  const at = (e: MarketEvent) => ({ txHash: e.txHash, blockNumber: e.blockNumber })
  for (const e of events) {
    switch (e.name) {
      case 'JobCreated':
        if (!mine(e.requester)) break
        jobs.set(e.jobId, {
          jobId: e.jobId.toString(),
          budget: e.budget.toString(),
          paid: '0',
          refunded: '0',
          held: e.budget.toString(),
          tasks: 0,
          txHash: e.txHash,
          spent: 0n,
          back: 0n
        })
        entries.push({ kind: 'escrowed', amount: e.budget.toString(), jobId: e.jobId.toString(), ...at(e) })
        break
      case 'TaskAdded':
        taskJob.set(e.taskId, { jobId: e.jobId, worker: e.worker, collateralMine: mine(e.worker) })
        if (jobs.has(e.jobId)) jobs.get(e.jobId)!.tasks++
        break
      case 'TaskReleased': {
        const task = taskJob.get(e.taskId)
        const job = task !== undefined ? jobs.get(task.jobId) : undefined
        const ids = { taskId: e.taskId.toString(), ...(task && { jobId: task.jobId.toString() }) }
        if (job !== undefined) {
          job.spent += e.payout + e.fee
          entries.push({
            kind: 'paid',
            amount: (e.payout + e.fee).toString(),
            counterparty: e.worker,
            ...ids,
            ...at(e)
          })
        }
        if (mine(e.worker)) entries.push({ kind: 'earned', amount: e.payout.toString(), ...ids, ...at(e) })
        break
      }
      case 'TaskExpired':
      case 'TaskRejected': {
        const task = taskJob.get(e.taskId)
        if (task?.collateralMine === true && e.slashed > 0n) {
          entries.push({
            kind: 'slashed',
            amount: e.slashed.toString(),
            taskId: e.taskId.toString(),
            jobId: task.jobId.toString(),
            ...at(e)
          })
        }
        break
      }
      case 'BudgetRefunded': {
        if (!mine(e.requester)) break
        const job = jobs.get(e.jobId)
        if (job !== undefined) job.back += e.amount
        entries.push({ kind: 'refunded', amount: e.amount.toString(), jobId: e.jobId.toString(), ...at(e) })
        break
      }
      case 'Withdrawn':
        if (mine(e.account))
          entries.push({ kind: 'withdrawn', amount: e.amount.toString(), counterparty: e.to, ...at(e) })
        break
      default:
        break
    }
  }
  const escrows = [...jobs.values()].reverse().map(({ spent, back, ...job }) => ({
    ...job,
    paid: spent.toString(),
    refunded: back.toString(),
    held: (BigInt(job.budget) - spent - back).toString()
  }))
  return { entries: entries.reverse().slice(0, HISTORY_ENTRIES), escrows, fromBlock }
}
