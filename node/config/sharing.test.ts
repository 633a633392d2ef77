import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { defaultConfig } from './config.js'
import { loadConfig, validateConfig } from './load.js'
import { overridesFromEnv, overridesFromFlags } from './settings.js'

describe('pinning and gateway settings', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-config-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keep the gateway off and job data on this node unless asked', async () => {
    const cfg = await loadConfig(join(dir, 'none'))
    assert.equal(cfg.gateway.enabled, false)
    assert.equal(cfg.gateway.host, '127.0.0.1')
    assert.equal(cfg.gateway.port, 4180)
    assert.equal(cfg.storage.pinOnSuperPeers, false)
    assert.equal(cfg.pinning.maxBytesPerPeer, 10 * 1024 ** 3)
  })

  it('take flags and environment variables', async () => {
    const cfg = await loadConfig(join(dir, 'none'), [
      {
        where: 'environment',
        values: overridesFromEnv({ RYNUS_GATEWAY: 'true', RYNUS_PIN_MAX_BYTES_PER_PEER: '2GiB' })
      },
      {
        where: 'flags',
        values: overridesFromFlags({ 'gateway-port': '8080', 'pin-on-super-peers': 'true' })
      }
    ])
    assert.equal(cfg.gateway.enabled, true)
    assert.equal(cfg.gateway.port, 8080)
    assert.equal(cfg.storage.pinOnSuperPeers, true)
    assert.equal(cfg.pinning.maxBytesPerPeer, 2 * 1024 ** 3)
  })

  it('refuse bad values naming the setting', () => {
    const bad: Array<[(c: ReturnType<typeof defaultConfig>) => void, RegExp]> = [
      [(c) => (c.gateway.host = 'localhost'), /gateway.host must be an IP address/],
      [(c) => (c.gateway.port = 70000), /gateway.port must be a port number/],
      [(c) => (c.pinning.maxDurationMs = 0), /pinning.maxDurationMs must be a positive whole number/],
      [(c) => (c.storage.pinOnSuperPeers = 'yes' as never), /storage.pinOnSuperPeers must be true or false/]
    ]
    for (const [change, message] of bad) {
      const cfg = defaultConfig()
      change(cfg)
      assert.throws(() => validateConfig(cfg), { code: 'ERR_CONFIG', message })
    }
  })
})
