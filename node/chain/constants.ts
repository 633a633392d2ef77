/** The encrypted keystore in the data dir. */
export const WALLET_FILE = 'wallet.json'
/** Folder (level) of the settlement ledger, the event cursor and the tasks being watched. */
export const CHAIN_DB_DIR = 'chain'
/** Environment variable that may hold the wallet passphrase. */
export const PASSPHRASE_ENV = 'RYNUS_WALLET_PASSPHRASE'
/**
 * scrypt cost of the keystore: 2^15 (32 MiB, about 0.1–0.3 s) instead of ethers' default 2^17,
 * so a node starts quickly; still far beyond guessing a decent passphrase offline.
 */
export const KEYSTORE_SCRYPT_N = 1 << 15
export const MIN_PASSPHRASE_LENGTH = 8

/** How often the event follower and transaction waits poll the chain by default. */
export const DEFAULT_POLL_MS = 1_000
/** Blocks re-read behind the cursor on every poll, so a shallow reorg's events are seen. */
export const REORG_DEPTH = 12
/** Most blocks asked for in one eth_getLogs. */
export const MAX_LOG_RANGE = 2_000
/** Gas limit = estimate × this / 100 (estimates are exact on a quiet chain, not under load). */
export const GAS_MARGIN_PERCENT = 120n
/** How long a sent transaction may stay unknown to the node before it is broadcast again. */
export const REBROADCAST_MS = 15_000
/** How often the auto-release loop looks for due tasks by default. */
export const DEFAULT_AUTO_RELEASE_MS = 5_000
/** Tasks settled in one settleBatch transaction. */
export const MAX_BATCH = 100
/**
 * Stake a worker keeps in the registry by default (100 tokens): a global-tier worker locks
 * collateralBps (20% on the devnet) of each accepted task's price from it.
 */
export const DEFAULT_WORKER_STAKE = 100n * 10n ** 18n
