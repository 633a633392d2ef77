import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { LIVE_FLAGS, NODE_RUNTIME_FLAGS, STARTUP_FLAGS } from './runtime-flags.js'

const root = new URL('../../', import.meta.url)

describe('NODE_RUNTIME_FLAGS', () => {
  it('are the flags of `npm start`, and the shebang’s with those bin.ts sets', () => {
    assert.deepEqual([...STARTUP_FLAGS, ...LIVE_FLAGS].sort(), [...NODE_RUNTIME_FLAGS].sort())
    const shebang = readFileSync(new URL('dist/node/bin.js', root), 'utf8').split('\n')[0]
    assert.equal(shebang, `#!/usr/bin/env -S node ${STARTUP_FLAGS.join(' ')}`)
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      scripts: Record<string, string>
    }
    assert.ok(
      pkg.scripts.start.includes(`node ${NODE_RUNTIME_FLAGS.join(' ')} dist/node/bin.js`),
      pkg.scripts.start
    )
  })

  it('are accepted by this Node (a V8 upgrade may drop one)', () => {
    const run = spawnSync(process.execPath, [...NODE_RUNTIME_FLAGS, '-e', ''], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
  })
})
