/** Magic bytes of the formats Rynus jobs use and produce, and a few common ones. */
const SIGNATURES: Array<{ type: string; at?: number; bytes: number[] }> = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/webp', at: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { type: 'image/x-exr', bytes: [0x76, 0x2f, 0x31, 0x01] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
  { type: 'application/x-blender', bytes: [0x42, 0x4c, 0x45, 0x4e, 0x44, 0x45, 0x52] },
  { type: 'video/mp4', at: 4, bytes: [0x66, 0x74, 0x79, 0x70] }
]

/**
 * The content type of a file from its first bytes; application/octet-stream when unknown.
 * Text (and so HTML) is never guessed: content from strangers is not rendered as a page.
 */
export function sniffContentType(head: Uint8Array): string {
  for (const sig of SIGNATURES) {
    const at = sig.at ?? 0
    if (head.byteLength < at + sig.bytes.length) continue
    if (sig.bytes.every((b, i) => head[at + i] === b)) return sig.type
  }
  return 'application/octet-stream'
}
