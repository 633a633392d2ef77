// Settlement on chain as the node uses it. Everything a service needs is exported here.
//
//   const settlement = await openSettlement({ dataDir, config: config.chain, logger })  // undefined: off
//   await settlement?.start()
//   requester: settlement.requester.escrowJob(cid, budget, deadlineMs) → chainJobId
//              settlement.requester.addTask(chainJobId, index, workerPeerId, pricePerUnit, units, dueAtMs) → chainTaskId
//              settlement.requester.acceptResults(taskIds) / expireOverdue(taskIds) / refundUnspent(chainJobId)
//              settlement.requester.settlePartial(chainTaskId, payout) → settled (a delivered part of an accepted task)
//   worker:    settlement.worker.ensureRegistered(peerKey); ensureStake(min)
//              settlement.worker.acceptTask(chainTaskId, { priceTotal, jobId }); commitResult(chainTaskId, outputs)
//   both:      settlement.autoRelease (started by settlement.start()), client.on('TaskReleased', …)
export { type Balances, balancesOf, checkFunds, withdrawFrom } from './account.js'
export { AutoRelease, type DueOutcome } from './auto-release.js'
export { ChainClient, type ChainClientOptions, type ChainConfig } from './client.js'
export {
  CHAIN_DB_DIR,
  DEFAULT_WORKER_STAKE,
  KEYSTORE_SCRYPT_N,
  PASSPHRASE_ENV,
  WALLET_FILE
} from './constants.js'
export { digestPrefix, jobNonceOf, type ResultOutput, resultDigest } from './digest.js'
export {
  ChainError,
  ChainRevertError,
  ChainStoppedError,
  InsufficientBalanceError,
  SettlementMismatchError,
  WalletError,
  WorkerNotRegisteredError
} from './errors.js'
export { EventFollower, type MarketListener } from './event-follower.js'
export {
  type JobEscrow,
  summarise as summariseWalletEvents,
  type WalletEntry,
  type WalletHistory,
  walletHistory
} from './history.js'
export type { EventMeta, MarketEvent, MarketEventName, MarketEventOf } from './market-events.js'
export { NodeSettlement, type OpenSettlementOptions, openSettlement } from './node-settlement.js'
export { type PassphraseSources, resolvePassphrase } from './passphrase.js'
export { type AcceptOutcome, type AwardTerms, RequesterSettlement } from './requester-settlement.js'
export { type ActionRecord, type AwardRecord, SettlementStore, type Timer } from './store.js'
export { loadOrCreateWallet, walletAddress, walletPath } from './wallet.js'
export { stateName, type TaskExpectation, WorkerSettlement } from './worker-settlement.js'
