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
      [{ dht: { mode: 'sometimes' } }, /dht.mode must be auto, server or client/]
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

  it('rejects bad environment values naming the variable', () => {
    assert.throws(() => overridesFromEnv({ RYNUS_API_PORT: '99999' }), /RYNUS_API_PORT must be a port number/)
    assert.throws(() => overridesFromEnv({ RYNUS_MDNS: 'perhaps' }), /RYNUS_MDNS must be true or false/)
  })
})
