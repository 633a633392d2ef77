// Regenerates every protons codec: protocols/<name>/pb/<name>.proto -> pb/<name>.ts.
// The output is committed so a build never needs the generator.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { generate } from 'protons'

const root = new URL('../protocols/', import.meta.url).pathname
const protos = []
for (const dir of readdirSync(root)) {
  const pb = join(root, dir, 'pb')
  try {
    if (!statSync(pb).isDirectory()) continue
  } catch {
    continue
  }
  for (const file of readdirSync(pb)) if (file.endsWith('.proto')) protos.push(join(pb, file))
}
for (const proto of protos) {
  await generate(proto, {})
  console.log(`generated ${proto.replace(/\.proto$/, '.ts')}`)
}
if (protos.length === 0) console.log('no .proto files found under protocols/*/pb/')
