import { getAddress } from 'ethers'

// The market's ids carry their owner (see JobMarket.sol):
//   jobId  = requester << 64 | n       n counts jobs market-wide from 1
//   taskId = jobId << 32 | index       index counts a job's tasks from 0

const MASK_64 = (1n << 64n) - 1n
const MASK_32 = (1n << 32n) - 1n

export function jobIdOf(requester: string, n: bigint): bigint {
  return (BigInt(getAddress(requester)) << 64n) | (n & MASK_64)
}

export function taskIdOf(jobId: bigint, index: bigint | number): bigint {
  return (jobId << 32n) | (BigInt(index) & MASK_32)
}

export function jobOfTask(taskId: bigint): bigint {
  return taskId >> 32n
}

export function taskIndexOf(taskId: bigint): number {
  return Number(taskId & MASK_32)
}

/** The requester of a job id. */
export function requesterOfJob(jobId: bigint): string {
  return getAddress(`0x${(jobId >> 64n).toString(16).padStart(40, '0')}`)
}

/** The requester of a task id. */
export function requesterOfTask(taskId: bigint): string {
  return requesterOfJob(jobOfTask(taskId))
}
