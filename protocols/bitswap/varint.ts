/** Unsigned LEB128 varints (protobuf lengths, multiformats codes), for values < 2^53. */

export function varintLength(value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    n++
  }
  return n
}

/** Appends the varint of `value` to `out`. */
export function pushVarint(out: number[], value: number): number[] {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  out.push(value)
  return out
}

/**
 * Reads a varint at `offset` of `get(i)` (a byte, or undefined past the end): its value and
 * length, or undefined when the bytes end first. Throws on a varint longer than 8 bytes.
 */
export function readVarint(
  get: (i: number) => number | undefined,
  offset: number
): { value: number; length: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < 8; i++) {
    const byte = get(offset + i)
    if (byte === undefined) return undefined
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return { value, length: i + 1 }
    scale *= 0x80
  }
  throw new RangeError('varint longer than 8 bytes')
}
