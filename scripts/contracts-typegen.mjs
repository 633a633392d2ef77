// Renders one contract's typed ethers 6 module from its ABI (used by contracts-build.mjs).
// The interface is written with ethers' own BaseContractMethod, so `contract.createJob(...)` is
// checked at compile time and `staticCall` results are typed, without a TypeChain dependency.

// Members of ethers' BaseContract: an ABI function with one of these names stays reachable
// only through `getFunction(name)`.
const RESERVED = new Set([
  'target',
  'interface',
  'runner',
  'filters',
  'fallback',
  'connect',
  'attach',
  'getAddress',
  'getDeployedCode',
  'waitForDeployment',
  'deploymentTransaction',
  'getFunction',
  'getEvent',
  'queryTransaction',
  'queryFilter',
  'on',
  'once',
  'emit',
  'listenerCount',
  'listeners',
  'off',
  'removeAllListeners',
  'addListener',
  'removeListener'
])

const lowerFirst = (s) => s[0].toLowerCase() + s.slice(1)

function structName(param) {
  const m = /^struct ([\w.]+?)(\[\d*\])*$/.exec(param.internalType ?? '')
  return m ? m[1].split('.').pop() : undefined
}

function enumName(param) {
  const m = /^enum ([\w.]+?)(\[\d*\])*$/.exec(param.internalType ?? '')
  return m ? m[1] : undefined
}

/** TypeScript type of an ABI parameter; `dir` is 'in' (argument) or 'out' (decoded value). */
function tsType(param, dir, structs) {
  const arr = /^(.*)\[(\d*)\]$/.exec(param.type)
  if (arr) {
    const inner = { ...param, type: arr[1], internalType: param.internalType?.replace(/\[\d*\]$/, '') }
    return `Array<${tsType(inner, dir, structs)}>`
  }
  if (param.type === 'tuple') {
    const name = structName(param) ?? `Tuple${structs.size}`
    if (!structs.has(name)) structs.set(name, param.components)
    return dir === 'in' ? `${name}Input` : `${name}Output`
  }
  if (/^u?int\d*$/.test(param.type)) return dir === 'in' ? 'BigNumberish' : 'bigint'
  if (param.type === 'address') return dir === 'in' ? 'AddressLike' : 'string'
  if (param.type === 'bool') return 'boolean'
  if (param.type === 'string') return 'string'
  if (/^bytes\d*$/.test(param.type)) return dir === 'in' ? 'BytesLike' : 'string'
  throw new Error(`unsupported ABI type ${param.type}`)
}

function args(inputs, structs) {
  return inputs.map((p, i) => `${p.name || `arg${i}`}: ${tsType(p, 'in', structs)}`).join(', ')
}

function result(outputs, structs) {
  if (outputs.length === 0) return 'void'
  if (outputs.length === 1) return tsType(outputs[0], 'out', structs)
  const tuple = outputs.map((p, i) => `${p.name || `out${i}`}: ${tsType(p, 'out', structs)}`).join(', ')
  const named = outputs.filter((p) => p.name)
  const obj = named.map((p) => `${p.name}: ${tsType(p, 'out', structs)}`).join('; ')
  return named.length === outputs.length ? `[${tuple}] & { ${obj} }` : `[${tuple}]`
}

export function renderTypes({ name, unit, abi, bytecode, enums, txModule }) {
  const structs = new Map()
  const usedEnums = new Set()
  const noteEnums = (params) => {
    for (const p of params ?? []) {
      const e = enumName(p)
      if (e) usedEnums.add(e)
      if (p.components) noteEnums(p.components)
    }
  }
  const fns = abi.filter((f) => f.type === 'function')
  const counts = new Map()
  for (const f of fns) counts.set(f.name, (counts.get(f.name) ?? 0) + 1)

  const members = []
  for (const f of fns) {
    noteEnums(f.inputs)
    noteEnums(f.outputs)
    if (RESERVED.has(f.name) || counts.get(f.name) > 1) {
      members.push(
        `  // ${f.name}: reach it with getFunction('${f.name}(...)') (overloaded or reserved name)`
      )
      continue
    }
    const r = result(f.outputs, structs)
    const view = f.stateMutability === 'view' || f.stateMutability === 'pure'
    const d = view ? r : 'ContractTransactionResponse'
    members.push(`  ${f.name}: BaseContractMethod<[${args(f.inputs, structs)}], ${r}, ${d}>`)
  }
  for (const item of abi) if (item.type !== 'function') noteEnums(item.inputs)

  const ctor = abi.find((f) => f.type === 'constructor')
  const ctorArgs = ctor ? args(ctor.inputs, structs) : ''
  const ctorNames = ctor ? ctor.inputs.map((p, i) => p.name || `arg${i}`).join(', ') : ''
  noteEnums(ctor?.inputs)

  const structDecls = []
  for (const [sName, components] of structs) {
    const fieldsIn = components.map((c) => `  ${c.name}: ${tsType(c, 'in', structs)}`).join('\n')
    const fieldsOut = components.map((c) => `  ${c.name}: ${tsType(c, 'out', structs)}`).join('\n')
    structDecls.push(`export interface ${sName}Input {\n${fieldsIn}\n}`)
    structDecls.push(`export interface ${sName}Output {\n${fieldsOut}\n}`)
  }
  const enumDecls = [...usedEnums].sort().map((full) => {
    const members = enums.get(full)
    if (!members) throw new Error(`enum ${full} not found in the ASTs`)
    const short = full.split('.').pop()
    const body = members.map((m, i) => `  ${m}: ${i}n`).join(',\n')
    return `export const ${short} = {\n${body}\n} as const\nexport type ${short} = (typeof ${short})[keyof typeof ${short}]`
  })
  const errorNames = abi.filter((e) => e.type === 'error').map((e) => `'${e.name}'`)
  const eventNames = abi.filter((e) => e.type === 'event').map((e) => `'${e.name}'`)
  const lc = lowerFirst(name)

  return `// Generated by scripts/contracts-build.mjs from ${unit}. Do not edit; run \`npm run build:contracts\`.
import type {
  AddressLike,
  BaseContract,
  BaseContractMethod,
  BigNumberish,
  BytesLike,
  ContractRunner,
  ContractTransactionResponse,
  Signer
} from 'ethers'
import { Contract, ContractFactory } from 'ethers'
import { confirmed } from '${txModule}'

export const ${lc}Abi = ${JSON.stringify(abi, null, 2)} as const

export const ${lc}Bytecode = '${bytecode}' as const

${[...enumDecls, ...structDecls].join('\n\n')}${enumDecls.length + structDecls.length > 0 ? '\n\n' : ''}export type ${name}ErrorName = ${errorNames.length > 0 ? errorNames.join(' | ') : 'never'}

export type ${name}EventName = ${eventNames.length > 0 ? eventNames.join(' | ') : 'never'}

export interface ${name}Contract extends BaseContract {
  connect(runner: ContractRunner | null): ${name}Contract
${members.join('\n')}
}

/** The ${name} deployed at \`address\`, typed. */
export function connect${name}(address: string, runner?: ContractRunner | null): ${name}Contract {
  return new Contract(address, ${lc}Abi, runner) as unknown as ${name}Contract
}

/** Deploys ${name} from \`signer\` and waits until it is mined. */
export async function deploy${name}(signer: Signer${ctorArgs ? `, ${ctorArgs}` : ''}): Promise<${name}Contract> {
  const factory = new ContractFactory(${lc}Abi, ${lc}Bytecode, signer)
  const contract = await factory.deploy(${ctorNames})
  const tx = contract.deploymentTransaction()
  if (tx !== null) await confirmed(tx)
  return contract as unknown as ${name}Contract
}
`
}
