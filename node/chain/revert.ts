import { Interface, type InterfaceAbi } from 'ethers'
import { jobMarketAbi } from '../../contracts/types/JobMarket.js'
import { rynusTokenAbi } from '../../contracts/types/RynusToken.js'
import { workerRegistryAbi } from '../../contracts/types/WorkerRegistry.js'

/** Every custom error of the three contracts, so a revert is named whichever one raised it. */
const errors = new Interface(
  [jobMarketAbi, workerRegistryAbi, rynusTokenAbi]
    .flat()
    .filter((f) => f.type === 'error')
    .filter(
      (f, i, all) => all.findIndex((g) => JSON.stringify(g) === JSON.stringify(f)) === i
    ) as InterfaceAbi
)

/** The custom error a failed call or estimate reverted with, or undefined when it is not one of ours. */
export function decodeRevert(err: unknown): { name: string; args: unknown[] } | undefined {
  let e: unknown = err
  for (let i = 0; i < 6 && e !== null && typeof e === 'object'; i++) {
    const data = (e as { data?: unknown }).data
    if (typeof data === 'string' && data.startsWith('0x') && data.length >= 10) {
      const parsed = errors.parseError(data)
      return parsed === null ? undefined : { name: parsed.name, args: [...parsed.args] }
    }
    e = (e as { error?: unknown }).error ?? (e as { info?: { error?: unknown } }).info?.error
  }
  return undefined
}
