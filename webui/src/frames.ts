// Rendered frames of a job in the browser: small previews for the grid (fetched with the token, shown through
// object URLs that are revoked when the page goes away) and downloads of every frame.
import { onBeforeUnmount, reactive } from 'vue'
import { ApiError } from './api.js'
import { frameFileName } from './lib/jobs.js'
import { useNetwork } from './network.js'

const CONCURRENT_FETCHES = 3
/** Previews wider than this are scaled down so a long job does not hold every full-size image in memory. */
const PREVIEW_WIDTH = 480

export interface FrameImages {
  /** frame → object URL of its preview. */
  previews: Map<number, string>
  /** Frames whose preview could not be made (e.g. OpenEXR, which browsers cannot show). */
  noPreview: Set<number>
  /** Asks for previews of these frames (already loaded or queued ones are skipped). */
  want(frames: number[]): void
  /** The full frame, for viewing or saving. */
  fetchFrame(frame: number, signal?: AbortSignal): Promise<{ blob: Blob; fileName: string }>
}

async function shrink(blob: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(blob)
  try {
    if (bitmap.width <= PREVIEW_WIDTH) return blob
    const height = Math.max(1, Math.round((bitmap.height * PREVIEW_WIDTH) / bitmap.width))
    const canvas = document.createElement('canvas')
    canvas.width = PREVIEW_WIDTH
    canvas.height = height
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, PREVIEW_WIDTH, height)
    return await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b ?? blob), 'image/jpeg', 0.85))
  } finally {
    bitmap.close()
  }
}

export function useFrameImages(jobId: string, format: () => string | undefined): FrameImages {
  const network = useNetwork()
  const previews = reactive(new Map<number, string>())
  const noPreview = reactive(new Set<number>())
  const queued = new Set<number>()
  const queue: number[] = []
  const controller = new AbortController()
  let active = 0

  async function fetchFrame(frame: number, signal?: AbortSignal): Promise<{ blob: Blob; fileName: string }> {
    const { blob, fileName } = await network.api.frame(jobId, frame, signal ?? controller.signal)
    return { blob, fileName: fileName ?? frameFileName(frame, format()) }
  }

  async function load(frame: number): Promise<void> {
    try {
      const { blob } = await fetchFrame(frame)
      const preview = await shrink(blob)
      if (controller.signal.aborted) return
      previews.set(frame, URL.createObjectURL(preview))
    } catch (err) {
      if (controller.signal.aborted) return
      if (err instanceof ApiError) network.noteError(err)
      // A frame that fails now (e.g. the node restarted) may be asked for again by the next refetch.
      if (err instanceof ApiError && err.status !== 404) queued.delete(frame)
      else noPreview.add(frame)
    }
  }

  function pump(): void {
    while (active < CONCURRENT_FETCHES && queue.length > 0 && !controller.signal.aborted) {
      const frame = queue.shift() as number
      active += 1
      void load(frame).finally(() => {
        active -= 1
        pump()
      })
    }
  }

  function want(frames: number[]): void {
    const exr = format() === 'OPEN_EXR'
    for (const frame of frames) {
      if (queued.has(frame)) continue
      queued.add(frame)
      if (exr) noPreview.add(frame)
      else queue.push(frame)
    }
    pump()
  }

  onBeforeUnmount(() => {
    controller.abort()
    for (const url of previews.values()) URL.revokeObjectURL(url)
    previews.clear()
  })

  return { previews, noPreview, want, fetchFrame }
}

/** Saves a blob as a file through a temporary link; the URL is revoked once the browser has taken it. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
