/**
 * Writes species.csv: a deterministic 3-class tabular dataset for training jobs (600 rows, 4
 * numeric features, label column `species`), iris-like Gaussian clusters that overlap a little,
 * so a small MLP reaches about 95% accuracy and never 100% by accident.
 *
 *   node dist/simulations/assets/train/generate-species.js [out.csv]
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seededRng } from '../../../scheduler/rng.js'

const SEED = 20_240_601
const ROWS_PER_CLASS = 200
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']

/** Class means and spreads per feature (cm). */
const SPECIES: Record<string, { mean: number[]; std: number[] }> = {
  setosa: { mean: [5.0, 3.4, 1.5, 0.25], std: [0.35, 0.38, 0.2, 0.1] },
  versicolor: { mean: [5.9, 2.8, 4.2, 1.3], std: [0.5, 0.31, 0.45, 0.2] },
  virginica: { mean: [6.6, 3.0, 5.5, 2.0], std: [0.6, 0.32, 0.5, 0.27] }
}

export function generateSpecies(seed = SEED): string {
  const random = seededRng(seed)
  const gaussian = (): number => {
    const u = 1 - random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  const rows: string[] = []
  for (let i = 0; i < ROWS_PER_CLASS; i++) {
    for (const [name, { mean, std }] of Object.entries(SPECIES)) {
      const values = mean.map((m, f) => Math.max(0.1, m + std[f]! * gaussian()).toFixed(2))
      rows.push([...values, name].join(','))
    }
  }
  return `${[...FEATURES, 'species'].join(',')}\n${rows.join('\n')}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out =
    process.argv[2] ??
    fileURLToPath(new URL('../../../../simulations/assets/train/species.csv', import.meta.url))
  writeFileSync(out, generateSpecies())
  console.log(`wrote ${out}`)
}
