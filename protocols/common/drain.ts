import type { Stream } from '@libp2p/interface'

/**
 * Resolves on the stream's next 'drain' event (rejects if it closes first). Not
 * `stream.onDrain()`: in @libp2p/utils 7.4 its promise is created once and never reset, so
 * after the first drain it resolves at once and the writer buffers everything it has. This
 * is what libp2p's own byteStream/lpStream writers do (they wait for 'drain' with p-event).
 */
export function nextDrain(stream: Stream, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      cleanup()
      resolve()
    }
    const onClose = (evt: Event): void => {
      cleanup()
      reject((evt as Event & { error?: Error }).error ?? new Error('stream closed while waiting for drain'))
    }
    const onAbort = (): void => {
      cleanup()
      reject(signal?.reason)
    }
    const cleanup = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    if (signal?.aborted === true) {
      reject(signal.reason)
      return
    }
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}
