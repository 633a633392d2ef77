// The peer-key half of a worker's binding. WorkerRegistry checks the address half (the worker
// sends the registering transaction itself) but cannot check an Ed25519 signature: the EVM has no
// Ed25519 precompile. So the peer key signs the binding message, the signature travels in the
// `WorkerBound` event, and every node verifies it here before trusting the binding.
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromMultihash, peerIdFromPrivateKey } from '@libp2p/peer-id'
import { getBytes, solidityPacked } from 'ethers'
import * as Digest from 'multiformats/hashes/digest'

/** Domain tag of WorkerRegistry.bindingMessage; bump both together. */
export const BINDING_TAG = 'rynus:worker-binding:v1'

export interface BindingDomain {
  chainId: bigint | number
  /** WorkerRegistry address */
  registry: string
}

/** The bytes WorkerRegistry.bindingMessage(worker) returns: tag, chain id, registry, worker. */
export function bindingMessage(domain: BindingDomain, worker: string): Uint8Array {
  return getBytes(
    solidityPacked(
      ['string', 'uint256', 'address', 'address'],
      [BINDING_TAG, BigInt(domain.chainId), domain.registry, worker]
    )
  )
}

export interface SignedBinding {
  /** The peer id as bytes (its multihash), as WorkerRegistry stores it. */
  peerId: Uint8Array
  /** The peer key's signature over bindingMessage(domain, worker). */
  signature: Uint8Array
}

/** Signs the binding of `worker` with the node's libp2p key, ready for `register(peerId, signature)`. */
export async function signWorkerBinding(
  peerKey: PrivateKey,
  domain: BindingDomain,
  worker: string
): Promise<SignedBinding> {
  const peerId = peerIdFromPrivateKey(peerKey).toMultihash().bytes
  const signature = await peerKey.sign(bindingMessage(domain, worker))
  return { peerId, signature }
}

/**
 * True when `signature` is the key of `peerId` signing the binding of `worker`. Peer ids that do
 * not embed their public key (RSA) cannot be verified from the id alone and are refused.
 */
export async function verifyWorkerBinding(
  peerId: Uint8Array,
  signature: Uint8Array,
  domain: BindingDomain,
  worker: string
): Promise<boolean> {
  try {
    const id = peerIdFromMultihash(Digest.decode(peerId))
    if (id.publicKey === undefined) return false
    return await id.publicKey.verify(bindingMessage(domain, worker), signature)
  } catch {
    return false
  }
}
