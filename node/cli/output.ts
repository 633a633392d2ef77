/** Prints results as text for people or as JSON for scripts (--json). */
export interface Output {
  json: boolean
  result(value: unknown, text: string): void
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`)
    }
  }
}
