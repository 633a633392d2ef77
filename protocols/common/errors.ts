/**
 * Every error Rynus raises on purpose carries a stable `code` that scripts and the HTTP API
 * can rely on, and a message that tells a person what to do next.
 */
export class RynusError extends Error {
  readonly code: string

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

export function isRynusError(err: unknown): err is RynusError {
  return err instanceof RynusError
}

/** A short human description of any thrown value, for logs and one-line CLI errors. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
