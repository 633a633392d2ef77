import { Interface, type Log } from 'ethers'
import { jobMarketAbi } from '../../contracts/types/JobMarket.js'

/** Where an event was found; `txHash` + `logIndex` identify it (the follower dedupes on them). */
export interface EventMeta {
  blockNumber: number
  blockHash: string
  txHash: string
  logIndex: number
}

/** The market events the node follows, decoded. Amounts in token base units, times in unix seconds. */
export type MarketEvent = EventMeta &
  (
    | { name: 'JobCreated'; jobId: bigint; requester: string; budget: bigint; deadline: bigint }
    | { name: 'TaskAdded'; taskId: bigint; jobId: bigint; worker: string; price: bigint; dueAt: bigint }
    | { name: 'TaskCancelled'; taskId: bigint }
    | { name: 'TaskAccepted'; taskId: bigint; worker: string; collateral: bigint }
    | { name: 'ResultCommitted'; taskId: bigint; digest: string; challengeEnd: bigint }
    | { name: 'TaskChallenged'; taskId: bigint; disputeEnd: bigint }
    | { name: 'TaskReleased'; taskId: bigint; worker: string; payout: bigint; fee: bigint }
    | { name: 'TaskExpired'; taskId: bigint; slashed: bigint }
    | { name: 'TaskRejected'; taskId: bigint; slashed: bigint }
    | { name: 'TaskCut'; taskId: bigint; refunded: bigint }
    | { name: 'BudgetRefunded'; jobId: bigint; requester: string; amount: bigint }
    | { name: 'Withdrawn'; account: string; to: string; amount: bigint }
  )

export type MarketEventName = MarketEvent['name']
export type MarketEventOf<N extends MarketEventName> = Extract<MarketEvent, { name: N }>

export const MARKET_EVENT_NAMES: readonly MarketEventName[] = [
  'JobCreated',
  'TaskAdded',
  'TaskCancelled',
  'TaskAccepted',
  'ResultCommitted',
  'TaskChallenged',
  'TaskReleased',
  'TaskExpired',
  'TaskRejected',
  'TaskCut',
  'BudgetRefunded',
  'Withdrawn'
]

const market = new Interface(jobMarketAbi)

/** topic0 of every followed event, for one eth_getLogs filter. */
export const MARKET_EVENT_TOPICS: string[] = MARKET_EVENT_NAMES.map((name) => {
  const event = market.getEvent(name)
  if (event === null) throw new Error(`the JobMarket ABI has no event ${name}`)
  return event.topicHash
})

/** Decodes a market log; undefined for events the node does not follow. */
export function decodeMarketEvent(log: Log): MarketEvent | undefined {
  const parsed = market.parseLog({ topics: [...log.topics], data: log.data })
  if (parsed === null || !(MARKET_EVENT_NAMES as readonly string[]).includes(parsed.name)) return undefined
  const fields: Record<string, unknown> = {}
  parsed.fragment.inputs.forEach((input, i) => {
    fields[input.name] = parsed.args[i]
  })
  return {
    ...fields,
    name: parsed.name,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: log.index
  } as MarketEvent
}
