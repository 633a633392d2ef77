import { readFile } from 'node:fs/promises'
import { PASSPHRASE_ENV } from './constants.js'
import { WalletError } from './errors.js'

export interface PassphraseSources {
  /** A file holding the passphrase (first line); '' for none. */
  passphraseFile: string
  env: NodeJS.ProcessEnv
  /** Ask on the terminal (echo off) when neither the file nor the environment has it. */
  prompt: boolean
  /** Ask twice and require both to match (creating a wallet). */
  confirm?: boolean
}

const HOW =
  `give the wallet passphrase in a file (chain.passphraseFile in config.json, --chain-passphrase-file, env RYNUS_CHAIN_PASSPHRASE_FILE), ` +
  `in the environment variable ${PASSPHRASE_ENV}, or run the command in a terminal to be asked for it`

/**
 * The wallet passphrase: from the file first, then RYNUS_WALLET_PASSPHRASE, then a prompt on the
 * terminal with echo off. Never logged; errors never contain it.
 */
export async function resolvePassphrase(sources: PassphraseSources): Promise<string> {
  if (sources.passphraseFile !== '') {
    let text: string
    try {
      text = await readFile(sources.passphraseFile, 'utf8')
    } catch (err) {
      throw new WalletError(
        `cannot read the passphrase file ${sources.passphraseFile} (${(err as NodeJS.ErrnoException).code ?? 'error'}); fix the path or ${HOW}`,
        'ERR_WALLET_PASSPHRASE'
      )
    }
    const line = text.split(/\r?\n/)[0] ?? ''
    if (line === '')
      throw new WalletError(`the passphrase file ${sources.passphraseFile} is empty`, 'ERR_WALLET_PASSPHRASE')
    return line
  }
  const fromEnv = sources.env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (sources.prompt && process.stdin.isTTY === true) {
    const first = await promptHidden('wallet passphrase: ')
    if (sources.confirm === true) {
      const second = await promptHidden('repeat the passphrase: ')
      if (first !== second)
        throw new WalletError('the two passphrases differ; try again', 'ERR_WALLET_PASSPHRASE')
    }
    if (first === '') throw new WalletError('an empty passphrase is not allowed', 'ERR_WALLET_PASSPHRASE')
    return first
  }
  throw new WalletError(`no wallet passphrase: ${HOW}`, 'ERR_WALLET_PASSPHRASE')
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin
  return new Promise((resolve, reject) => {
    process.stderr.write(question)
    let value = ''
    const wasRaw = stdin.isRaw
    stdin.setRawMode(true)
    stdin.resume()
    const done = (err?: Error): void => {
      stdin.off('data', onData)
      stdin.setRawMode(wasRaw)
      stdin.pause()
      process.stderr.write('\n')
      if (err !== undefined) reject(err)
      else resolve(value)
    }
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done()
          return
        }
        if (ch === '\u0003') {
          done(new WalletError('cancelled', 'ERR_WALLET_PASSPHRASE'))
          return
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
