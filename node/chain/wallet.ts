import { randomBytes } from 'node:crypto'
import { chmod, link, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decryptKeystoreJson, encryptKeystoreJson, getAddress, Wallet } from 'ethers'
import { KEYSTORE_SCRYPT_N, MIN_PASSPHRASE_LENGTH, WALLET_FILE } from './constants.js'
import { WalletError } from './errors.js'

export function walletPath(dataDir: string): string {
  return join(dataDir, WALLET_FILE)
}

/** The wallet's address read from the keystore without decrypting it; undefined when there is none. */
export async function walletAddress(dataDir: string): Promise<string | undefined> {
  const json = await readKeystore(walletPath(dataDir))
  if (json === undefined) return undefined
  try {
    const address = (JSON.parse(json) as { address?: unknown }).address
    if (typeof address === 'string') return getAddress(address.startsWith('0x') ? address : `0x${address}`)
  } catch {
    // fall through
  }
  throw new WalletError(`${walletPath(dataDir)} is not a keystore file; restore it from a backup`)
}

/**
 * The node's wallet: an Ethereum key in an encrypted JSON keystore (scrypt N = 2^15, see
 * KEYSTORE_SCRYPT_N) at `<dataDir>/wallet.json`, mode 0600. With `create`, a new key is made when
 * the file does not exist; an existing file is never overwritten. A wrong passphrase leaves the
 * file untouched and says so without repeating the passphrase.
 */
export async function loadOrCreateWallet(
  dataDir: string,
  passphrase: string,
  opts: { create: boolean }
): Promise<Wallet> {
  const file = walletPath(dataDir)
  const json = await readKeystore(file)
  if (json !== undefined) return decrypt(file, json, passphrase)
  if (!opts.create) {
    throw new WalletError(
      `no wallet in ${dataDir}; create one with \`rynus-node wallet create --data-dir ${dataDir}\``,
      'ERR_NO_WALLET'
    )
  }
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new WalletError(
      `the wallet passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
      'ERR_WALLET_PASSPHRASE'
    )
  }
  const wallet = Wallet.createRandom()
  const keystore = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey },
    passphrase,
    {
      scrypt: { N: KEYSTORE_SCRYPT_N }
    }
  )
  // Write beside, then link into place: a crash never leaves a half-written wallet, and a
  // wallet created meanwhile by another process wins (link fails with EEXIST) instead of being replaced.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(temp, keystore, { mode: 0o600, flag: 'wx' })
  try {
    await link(temp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new WalletError(
        `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'ERR_WALLET',
        {
          cause: err
        }
      )
    }
    const existing = await readKeystore(file)
    if (existing === undefined) throw err
    return decrypt(file, existing, passphrase)
  } finally {
    await rm(temp, { force: true })
  }
  return new Wallet(wallet.privateKey)
}

async function decrypt(file: string, json: string, passphrase: string): Promise<Wallet> {
  try {
    const account = await decryptKeystoreJson(json, passphrase)
    return new Wallet(account.privateKey)
  } catch (err) {
    const wrong = /password/i.test((err as Error).message)
    throw new WalletError(
      wrong
        ? `wrong passphrase for the wallet ${file}; the file is unchanged. Check the passphrase file or ${'RYNUS_WALLET_PASSPHRASE'}`
        : `${file} is not a readable keystore; restore it from a backup`,
      wrong ? 'ERR_WALLET_PASSPHRASE' : 'ERR_WALLET'
    )
  }
}

async function readKeystore(file: string): Promise<string | undefined> {
  try {
    const json = await readFile(file, 'utf8')
    const s = await stat(file)
    if ((s.mode & 0o077) !== 0) await chmod(file, 0o600)
    return json
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new WalletError(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'ERR_WALLET',
      {
        cause: err
      }
    )
  }
}
