#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=300
// STARTUP_FLAGS of node/runtime-flags.ts (a shebang cannot import them); LIVE_FLAGS are set below
// Checked before anything else loads: libp2p 3 needs Node >= 22.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    `rynus-node needs Node.js 22 or newer, this is ${process.version}; ` +
      'run it through npm (`npm start`, `npx rynus-node`), which uses the Node 24 that `npm ci` installed\n'
  )
  process.exit(3)
}

const { applyLiveFlags } = await import('./runtime-flags.js')
applyLiveFlags()
const { run } = await import('./cli/main.js')
const code = await run(process.argv.slice(2))
process.exitCode = code
// a library timer left running must not keep a finished command alive
setTimeout(() => process.exit(code), 2_000).unref()
