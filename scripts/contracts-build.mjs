// Compiles contracts/src/**/*.sol with solc-js and writes, for every deployable contract:
//   contracts/artifacts/[test/]<Name>.json  abi + bytecode + compiler settings
//   contracts/types/[test/]<Name>.ts        `as const` ABI and bytecode, typed ethers interface,
//                                           connect/deploy factories, enum constants
// The output is committed so a build never needs the compiler.
//   node scripts/contracts-build.mjs          regenerate
//   node scripts/contracts-build.mjs --check  exit 1 if the committed output is stale
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import solc from 'solc'
import { renderTypes } from './contracts-typegen.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const srcDir = join(root, 'contracts/src')
const check = process.argv.includes('--check')

export const SETTINGS = {
  evmVersion: 'cancun',
  viaIR: true,
  optimizer: { enabled: true, runs: 20_000 },
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'], '': ['ast'] }
  }
}

function listSol(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listSol(path))
    else if (name.endsWith('.sol')) out.push(path)
  }
  return out
}

function findImport(path) {
  for (const base of [root, join(root, 'node_modules')]) {
    const file = join(base, path)
    if (existsSync(file)) return { contents: readFileSync(file, 'utf8') }
  }
  return { error: `not found: ${path} (looked in the repo and node_modules)` }
}

const sources = {}
for (const file of listSol(srcDir)) sources[relative(root, file)] = { content: readFileSync(file, 'utf8') }
const input = { language: 'Solidity', sources, settings: SETTINGS }
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }))

// Warnings inside OpenZeppelin (its transient-storage notice) are not ours to fix.
const ours = (e) => !e.sourceLocation?.file?.startsWith('@openzeppelin/')
const problems = (output.errors ?? []).filter(
  (e) => e.severity === 'error' || (e.type === 'Warning' && ours(e))
)
for (const e of problems) console.error(e.formattedMessage)
if (problems.some((e) => e.severity === 'error')) process.exit(1)

// enum definitions by canonical name ("IJobMarket.TaskState" -> ["None", ...]) from the ASTs
const enums = new Map()
function walk(node, scope) {
  if (!node || typeof node !== 'object') return
  if (node.nodeType === 'EnumDefinition')
    enums.set(
      `${scope}.${node.name}`,
      node.members.map((m) => m.name)
    )
  const next = node.nodeType === 'ContractDefinition' ? node.name : scope
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) walk(child, next)
    else if (value && typeof value === 'object') walk(value, next)
  }
}
for (const unit of Object.values(output.sources)) walk(unit.ast, '')

const files = new Map()
for (const [unit, contracts] of Object.entries(output.contracts)) {
  if (!unit.startsWith('contracts/src/')) continue
  const sub = unit.startsWith('contracts/src/test/') ? 'test/' : ''
  for (const [name, c] of Object.entries(contracts)) {
    const bytecode = `0x${c.evm.bytecode.object}`
    if (bytecode === '0x') continue // interfaces and abstract contracts
    const size = c.evm.deployedBytecode.object.length / 2
    if (size > 24_576) console.warn(`warning: ${name} runtime is ${size} bytes, over the 24576-byte limit`)
    const artifact = {
      contractName: name,
      sourceName: unit,
      compiler: { version: solc.version(), settings: { ...SETTINGS, outputSelection: undefined } },
      abi: c.abi,
      bytecode
    }
    files.set(`contracts/artifacts/${sub}${name}.json`, `${JSON.stringify(artifact, null, 2)}\n`)
    files.set(
      `contracts/types/${sub}${name}.ts`,
      renderTypes({ name, unit, abi: c.abi, bytecode, enums, txModule: sub ? '../../tx.js' : '../tx.js' })
    )
  }
}

let stale = 0
for (const [path, text] of files) {
  const file = join(root, path)
  const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined
  if (old === text) continue
  stale++
  if (check) {
    console.error(`stale: ${path}`)
    continue
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
  console.log(`wrote ${path}`)
}
if (check && stale > 0) {
  console.error('contract artifacts are out of date: run `npm run build:contracts` and commit the result')
  process.exit(1)
}
console.log(
  `${files.size / 2} contracts compiled with solc ${solc.version()}${stale === 0 ? ', all up to date' : ''}`
)
