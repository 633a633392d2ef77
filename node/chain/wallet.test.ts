import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PASSPHRASE_ENV } from './constants.js'
import { WalletError } from './errors.js'
import { resolvePassphrase } from './passphrase.js'
import { loadOrCreateWallet, walletAddress, walletPath } from './wallet.js'

const PASSPHRASE = 'correct horse battery staple'

describe('wallet keystore', () => {
  const dirs: string[] = []
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'rynus-wallet-'))
    dirs.push(dir)
    return dir
  }
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it('creates an encrypted keystore only the owner can read, and loads the same key from it', async () => {
    const dir = await tempDir()
    assert.equal(await walletAddress(dir), undefined)
    const created = await loadOrCreateWallet(dir, PASSPHRASE, { create: true })
    const file = walletPath(dir)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    const text = await readFile(file, 'utf8')
    assert.ok(!text.includes(created.privateKey.slice(2)), 'the key is not stored in the clear')
    assert.equal(await walletAddress(dir), created.address, 'the address is readable without the passphrase')
    const loaded = await loadOrCreateWallet(dir, PASSPHRASE, { create: true })
    assert.equal(loaded.privateKey, created.privateKey)
    assert.equal(await readFile(file, 'utf8'), text, 'creating again keeps the existing wallet')
  })

  it('refuses a wrong passphrase with a clear error, leaves the file untouched and never echoes it', async () => {
    const dir = await tempDir()
    await loadOrCreateWallet(dir, PASSPHRASE, { create: true })
    const before = await readFile(walletPath(dir), 'utf8')
    const wrong = 'not the passphrase at all'
    await assert.rejects(loadOrCreateWallet(dir, wrong, { create: true }), (err: unknown) => {
      assert.ok(err instanceof WalletError)
      assert.equal(err.code, 'ERR_WALLET_PASSPHRASE')
      assert.match(err.message, /wrong passphrase/)
      assert.ok(!err.message.includes(wrong))
      return true
    })
    assert.equal(await readFile(walletPath(dir), 'utf8'), before)
  })

  it('says how to create a wallet when there is none, and refuses a short passphrase', async () => {
    const dir = await tempDir()
    await assert.rejects(loadOrCreateWallet(dir, PASSPHRASE, { create: false }), /rynus-node wallet create/)
    await assert.rejects(loadOrCreateWallet(dir, 'short', { create: true }), /at least 8 characters/)
    assert.equal(await walletAddress(dir), undefined)
  })

  it('takes the passphrase from the file first, then the environment, and says all three ways when neither has it', async () => {
    const dir = await tempDir()
    const file = join(dir, 'passphrase')
    await writeFile(file, `${PASSPHRASE}\n`)
    const env = { [PASSPHRASE_ENV]: 'from the environment' }
    assert.equal(await resolvePassphrase({ passphraseFile: file, env, prompt: false }), PASSPHRASE)
    assert.equal(await resolvePassphrase({ passphraseFile: '', env, prompt: false }), 'from the environment')
    await assert.rejects(
      resolvePassphrase({ passphraseFile: '', env: {}, prompt: false }),
      (err: unknown) => {
        assert.ok(err instanceof WalletError)
        assert.match(err.message, /passphraseFile/)
        assert.match(err.message, new RegExp(PASSPHRASE_ENV))
        assert.match(err.message, /terminal/)
        return true
      }
    )
    await assert.rejects(
      resolvePassphrase({ passphraseFile: join(dir, 'missing'), env, prompt: false }),
      /cannot read the passphrase file/
    )
  })
})
