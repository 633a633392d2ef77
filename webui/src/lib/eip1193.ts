// Funding the node from a browser wallet (EIP-1193, e.g. MetaMask): an ERC-20 transfer of RYN to the node's address.

/** The provider a browser wallet injects as `window.ethereum`. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** Calldata of `transfer(address to, uint256 amount)` (selector 0xa9059cbb). */
export function erc20TransferData(to: string, amount: bigint): string {
  if (!ADDRESS.test(to)) throw new Error(`not an address: ${to}`)
  if (amount <= 0n || amount >= 2n ** 256n) throw new Error('the amount must be more than 0')
  return `0xa9059cbb${to.slice(2).toLowerCase().padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`
}

/** `0x7a69` → 31337. */
export function chainIdOf(hex: unknown): number | null {
  return typeof hex === 'string' && /^0x[0-9a-f]+$/i.test(hex) ? Number.parseInt(hex, 16) : null
}

/**
 * Asks the browser wallet for an account, checks it is on the node's chain, and sends `amount`
 * tokens to the node. Resolves with the transaction hash; rejects with a message a person can act on.
 */
export async function fundFromBrowserWallet(
  provider: Eip1193Provider,
  opts: { token: string; to: string; amount: bigint; chainId: number }
): Promise<string> {
  const accounts = (await provider.request({ method: 'eth_requestAccounts' })) as string[]
  const from = accounts?.[0]
  if (typeof from !== 'string') throw new Error('The browser wallet gave no account; unlock it and retry.')
  const chain = chainIdOf(await provider.request({ method: 'eth_chainId' }))
  if (chain !== opts.chainId) {
    throw new Error(
      `The browser wallet is on chain ${chain ?? '?'}, the node settles on chain ${opts.chainId}; switch networks in the wallet and retry.`
    )
  }
  const hash = await provider.request({
    method: 'eth_sendTransaction',
    params: [{ from, to: opts.token, data: erc20TransferData(opts.to, opts.amount) }]
  })
  if (typeof hash !== 'string') throw new Error('The browser wallet did not return a transaction hash.')
  return hash
}
