import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { parseCsv } from './csv.js'
import { datasetFromNpy, holdOut, parseCsvDataset, rowCount, toCsv } from './dataset.js'
import { DatasetError } from './errors.js'
import { parseNpy } from './npy.js'
import { fitNormalization, prepareTrainingData } from './preprocess.js'
import { SPECIES_CSV } from './test-support.js'

function datasetError(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof DatasetError, String(err))
    assert.equal(err.code, 'ERR_TRAIN_DATASET')
    return err.message
  }
  return assert.fail('no error')
}

/** A .npy file (format 1.0) of little-endian float32 or int32 values. */
function npy(descr: '<f4' | '<i4', shape: number[], values: number[]): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`
  const body = descr === '<f4' ? new Float32Array(values) : new Int32Array(values)
  const head = Buffer.alloc(10)
  head.write('\x93NUMPY', 0, 'latin1')
  head[6] = 1
  head.writeUInt16LE(header.length, 8)
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(body.buffer)])
}

describe('CSV datasets', () => {
  it('reads quoted fields with commas, quotes and line breaks, and CRLF', () => {
    const table = parseCsv('a,"b, with comma",label\r\n1,2,"say ""hi""\nthere"\r\n3,4,plain\r\n\r\n')
    assert.deepEqual(table.header, ['a', 'b, with comma', 'label'])
    assert.deepEqual(table.records[0]!.fields, ['1', '2', 'say "hi"\nthere'])
    assert.equal(table.records[1]!.line, 4)
  })

  it('names the line of malformed CSV', () => {
    assert.match(
      datasetError(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n')),
      /^.*line 3: a quoted field is never closed/
    )
    assert.match(
      datasetError(() => parseCsv('a,b\n1,2\n3,4,5\n')),
      /line 3 has 3 fields but the header has 2/
    )
    assert.match(
      datasetError(() => parseCsv('a,b\n1,2"x"\n')),
      /line 2: a quote inside an unquoted field/
    )
  })

  it('names the line and column of a non-numeric feature', () => {
    const message = datasetError(() => parseCsvDataset('x,y,label\n1,2,a\n3,abc,b\n', 'label'))
    assert.match(message, /line 3, column "y": "abc" is not a number/)
    assert.match(
      datasetError(() => parseCsvDataset('x,label\n1,a\n', 'species')),
      /label column "species" is not in the header/
    )
  })

  it('holds out a deterministic, disjoint slice and writes the rest back as CSV', async () => {
    const data = parseCsvDataset(await readFile(SPECIES_CSV, 'utf8'), 'species')
    assert.equal(rowCount(data), 600)
    const a = holdOut(data, 0.2, 42)
    const b = holdOut(data, 0.2, 42)
    assert.equal(rowCount(a.heldOut), 120)
    assert.deepEqual(a.heldOut.features, b.heldOut.features)
    assert.notDeepEqual(holdOut(data, 0.2, 43).heldOut.features, a.heldOut.features)
    const row = (d: typeof data, i: number): string =>
      `${Array.from(d.features.subarray(i * 4, i * 4 + 4))}|${d.labels[i]}`
    const kept = new Set(Array.from({ length: 480 }, (_, i) => row(a.kept, i)))
    const overlap = Array.from({ length: 120 }, (_, i) => row(a.heldOut, i)).filter((r) => kept.has(r))
    assert.equal(overlap.length, 0)
    const again = parseCsvDataset(toCsv(a.kept), 'species')
    assert.deepEqual(again.features, a.kept.features)
    assert.deepEqual(again.labels, a.kept.labels)
  })

  it('splits deterministically and fits normalization on the training rows only', () => {
    const csv = `x,label\n${Array.from({ length: 10 }, (_, i) => `${i === 9 ? 1000 : i},${i % 2 ? 'odd' : 'even'}`).join('\n')}\n`
    const data = parseCsvDataset(csv, 'label')
    const pre = { normalize: true, oneHot: true, shuffleSeed: 3, validationSplit: 0.3 }
    const prepared = prepareTrainingData(data, pre)
    assert.deepEqual(prepared, prepareTrainingData(data, pre))
    assert.deepEqual(prepared.classes, ['even', 'odd'])
    assert.equal(prepared.train.rows, 7)
    assert.equal(prepared.validation.rows, 3)
    // the mean is that of the 7 training rows, whichever they are
    const trainValues = Array.from(
      prepared.train.x,
      (v) => v * prepared.normalization!.std[0]! + prepared.normalization!.mean[0]!
    )
    const mean = trainValues.reduce((a, b) => a + b, 0) / 7
    assert.ok(Math.abs(mean - prepared.normalization!.mean[0]!) < 1e-3)
    assert.notEqual(prepared.normalization!.mean[0], fitNormalization(data).mean[0])
  })
})

describe('.npy datasets', () => {
  it('reads float32 features and int32 labels', () => {
    const x = parseNpy(npy('<f4', [3, 2], [1, 2, 3, 4, 5, 6.5]), 'x.npy')
    const y = parseNpy(npy('<i4', [3], [0, 1, 0]), 'y.npy')
    const data = datasetFromNpy(x, y)
    assert.deepEqual(Array.from(data.features), [1, 2, 3, 4, 5, 6.5])
    assert.deepEqual(data.labels, ['0', '1', '0'])
  })

  it('refuses other dtypes and sizes that do not add up', () => {
    const f8 = Buffer.from(npy('<f4', [2], [1, 2]))
    f8.write("'<f8'", f8.indexOf("'<f4'"), 'latin1')
    assert.match(
      datasetError(() => parseNpy(f8, 'x.npy')),
      /holds <f8; save it as float32 or int32/
    )
    const short = npy('<f4', [3, 2], [1, 2, 3, 4, 5, 6]).subarray(0, -4)
    assert.match(
      datasetError(() => parseNpy(short, 'x.npy')),
      /should hold 6 values of 4 bytes/
    )
    assert.match(
      datasetError(() => parseNpy(Buffer.from('a,b\n1,2\n'), 'x.npy')),
      /not a .npy file/
    )
  })
})
