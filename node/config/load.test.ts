import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from './load.js'
import { overridesFromEnv, overridesFromFlags } from './settings.js'

describe('config loading', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-config-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('defaults when there is no file', async () => {
    const cfg = await loadConfig(join(dir, 'none'))
    assert.deepEqual(cfg.roles, ['worker', 'requester'])
    assert.equal(cfg.api.host, '127.0.0.1')
  })

  it('flags beat the environment, which beats the file', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ api: { port: 5000 }, roles: ['worker'] }))
    const env = overridesFromEnv({ RYNUS_API_PORT: '5001', RYNUS_ROLES: 'super-peer', RYNUS_LOG_JSON: 'yes' })
    const flags = overridesFromFlags({ 'api-port': '5002' })
    const cfg = await loadConfig(dir, [
      { where: 'environment', values: env },
      { where: 'flags', values: flags }
    ])
    assert.equal(cfg.api.port, 5002)
    assert.deepEqual(cfg.roles, ['super-peer'])
    assert.equal(cfg.log.json, true)
    assert.equal(cfg.api.host, '127.0.0.1', 'untouched nested settings keep their defaults')
  })

  it('rejects bad values with a message that names the setting and the fix', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ listen: ['/ip4/0.0.0.0/tcpp/1'] }, /listen has a bad multiaddr/],
      [{ bootstrap: ['/ip4/1.2.3.4/tcp/4101'] }, /no \/p2p\/<peer id>/],
      [{ api: { host: 'localhost' } }, /api.host must be an IP address/],
      [{ roles: [] }, /roles must list at least one/],
      [{ limits: { maxConnections: -1 } }, /limits.maxConnections must be a positive whole number/],
      [{ colour: 'blue' }, /unknown setting "colour"/],
      [{ dht: { mode: 'sometimes' } }, /dht.mode must be auto, server or client/],
      [
        { storage: { quotaBytes: -5 } },
        /storage.quotaBytes must be a whole number of bytes \(0 = unlimited\)/
      ]
    ]
    for (const [file, message] of cases) {
      await writeFile(join(dir, 'config.json'), JSON.stringify(file))
      await assert.rejects(loadConfig(dir), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_CONFIG')
        assert.match(err.message, message)
        return true
      })
    }
  })

  it('rejects a config file that is not JSON, saying how to recover', async () => {
    await writeFile(join(dir, 'config.json'), '{ roles: worker')
    await assert.rejects(loadConfig(dir), /not valid JSON.*rynus-node init/)
  })

  it('takes the storage quota from a flag or the environment, with units', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ storage: { quotaBytes: 1000 } }))
    assert.equal((await loadConfig(dir)).storage.quotaBytes, 1000)
    const env = overridesFromEnv({ RYNUS_STORAGE_QUOTA_BYTES: '50GiB' })
    assert.equal(
      (await loadConfig(dir, [{ where: 'environment', values: env }])).storage.quotaBytes,
      50 * 1024 ** 3
    )
    const flags = overridesFromFlags({ 'storage-quota-bytes': '500MB' })
    assert.equal((await loadConfig(dir, [{ where: 'flags', values: flags }])).storage.quotaBytes, 500_000_000)
    assert.equal((await loadConfig(join(dir, 'none'))).storage.quotaBytes, 0, 'unlimited by default')
    assert.throws(
      () => overridesFromFlags({ 'storage-quota-bytes': 'lots' }),
      /--storage-quota-bytes must be a number of bytes like 53687091200, 50GiB or 500MB, got "lots"/
    )
  })

  it('rejects bad environment values naming the variable', () => {
    assert.throws(() => overridesFromEnv({ RYNUS_API_PORT: '99999' }), /RYNUS_API_PORT must be a port number/)
    assert.throws(() => overridesFromEnv({ RYNUS_MDNS: 'perhaps' }), /RYNUS_MDNS must be true or false/)
  })
})
