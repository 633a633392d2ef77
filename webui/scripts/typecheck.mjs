// Type-checks the web UI, .vue files included, with the project's TypeScript 7.
// vue-tsc cannot run on TypeScript 7 (it needs the TypeScript 5/6 JavaScript API), so each SFC is compiled by
// @vue/compiler-sfc to TypeScript (template inlined as a typed render function) and checked with `tsc`.
// Usage: node webui/scripts/typecheck.mjs   (exit code 1 on type errors)
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileScript, parse } from 'vue/compiler-sfc'

const webui = fileURLToPath(new URL('..', import.meta.url))
const src = join(webui, 'src')
const out = join(webui, '.typecheck')

/** Text between the `<` after `marker` and its matching `>`; null when absent. */
function typeArgument(code, marker) {
  const start = code.indexOf(marker)
  if (start < 0) return null
  let depth = 0
  for (let i = start + marker.length - 1; i < code.length; i++) {
    const c = code[i]
    if (c === '<') depth++
    else if (c === '>' && code[i - 1] !== '=') {
      depth--
      if (depth === 0) return code.slice(start + marker.length, i)
    }
  }
  return null
}

/** Keys of the defaults object in `withDefaults(defineProps<…>(), { a: 1, b: 2 })`. */
function defaultKeys(code) {
  const at = code.indexOf('withDefaults(')
  if (at < 0) return []
  const open = code.indexOf('{', code.indexOf('>()', at))
  const keys = []
  let depth = 0
  for (let i = open; i < code.length; i++) {
    const c = code[i]
    if (c === '{' || c === '(' || c === '[') depth++
    else if (c === '}' || c === ')' || c === ']') {
      depth--
      if (depth === 0) break
    } else if (depth === 1) {
      const m = /^([A-Za-z_$][\w$]*)\s*:/.exec(code.slice(i))
      if (m && /[\s{,]/.test(code[i - 1])) {
        keys.push(m[1])
        i += m[0].length - 1
      }
    }
  }
  return keys
}

function compileSfc(file) {
  let source = readFileSync(file, 'utf8')
  // A template-only component gets an empty script so its template is compiled and checked too.
  if (!/<script[\s>]/.test(source))
    source = `<script setup lang="ts">\n// template only\n</script>\n${source}`
  const { descriptor, errors } = parse(source, { filename: file })
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`)
  let code = compileScript(descriptor, {
    id: relative(src, file),
    inlineTemplate: true,
    isProd: false
  }).content
  const setupSource = descriptor.scriptSetup?.content ?? ''
  const propsType = typeArgument(setupSource, 'defineProps<')
  if (propsType !== null) {
    const keys = defaultKeys(setupSource)
    const typed =
      keys.length === 0
        ? `Readonly<${propsType}>`
        : `Readonly<Omit<${propsType}, ${keys.map((k) => `'${k}'`).join(' | ')}> & Required<Pick<${propsType}, ${keys.map((k) => `'${k}'`).join(' | ')}>>>`
    code = code.replace('setup(__props: any', `setup(__props: ${typed}`)
  }
  // Names the template uses that the script does not define end up on _ctx: make those an error instead of `any`.
  return code.replace('(_ctx: any,', "(_ctx: import('vue').ComponentPublicInstance,")
}

function mirror(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = join(dir, entry.name)
    const to = join(out, 'src', relative(src, from))
    if (entry.isDirectory()) mirror(from)
    else if (entry.name.endsWith('.vue')) {
      mkdirSync(dirname(to), { recursive: true })
      writeFileSync(`${to}.ts`, compileSfc(from))
    } else if (entry.name.endsWith('.ts') && entry.name !== 'env.d.ts' && !entry.name.endsWith('.test.ts')) {
      mkdirSync(dirname(to), { recursive: true })
      cpSync(from, to)
    }
  }
}

rmSync(out, { recursive: true, force: true })
mirror(src)
const base = JSON.parse(readFileSync(join(webui, 'tsconfig.json'), 'utf8'))
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    { compilerOptions: { ...base.compilerOptions, noUnusedLocals: false }, include: ['src/**/*.ts'] },
    null,
    2
  )
)
writeFileSync(join(out, 'src', 'env.d.ts'), '/// <reference types="vite/client" />\n')
const tsc = join(webui, '..', 'node_modules', '.bin', 'tsc')
const result = spawnSync(tsc, ['-p', join(out, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' })
// Narrowing by v-if does not reach into the compiled slot closures and `_unref()` calls, so "possibly null"
// reports inside compiled templates are noise; everything else (unknown names, wrong members, bad calls) counts.
const NARROWING_CODES = /error TS(2531|2532|2533|18047|18048|18049):/
const errors = `${result.stdout}${result.stderr}`
  .split('\n')
  .filter((line) => line.trim() !== '')
  .filter((line) => !(line.includes('.vue.ts(') && NARROWING_CODES.test(line)))
  .map((line) => line.replace(/^.*?\.typecheck\/src\//, 'webui/src/').replace('.vue.ts(', '.vue [compiled]('))
for (const line of errors) console.log(line)
console.log(
  errors.length === 0 ? 'webui typecheck: no errors' : `webui typecheck: ${errors.length} error lines`
)
process.exit(errors.length === 0 ? 0 : 1)
