/** Width and height of a PNG or JPEG from its header bytes; undefined for other formats. */
export function imageSize(buf: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  // PNG: signature, then the IHDR chunk with width and height as big-endian u32
  if (buf.byteLength >= 24 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) {
    return { width: view.getUint32(16), height: view.getUint32(20) }
  }
  // JPEG: walk the segments to a start-of-frame marker
  if (buf.byteLength >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2
    while (i + 9 < buf.byteLength) {
      if (buf[i] !== 0xff) return undefined
      const marker = buf[i + 1]
      const length = view.getUint16(i + 2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) }
      }
      i += 2 + length
    }
  }
  return undefined
}
