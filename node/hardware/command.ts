import { execFile } from 'node:child_process'
import { TOOL_MAX_OUTPUT_BYTES } from './constants.js'

/** How a probe command ended. `absent`: the binary is not installed (or not on PATH). */
export type CommandResult =
  | { status: 'ok'; stdout: string; stderr: string }
  | { status: 'absent' }
  | { status: 'failed'; reason: string; stdout: string; stderr: string }

/**
 * Runs a local tool with a timeout (killed with SIGKILL when it overruns) and the C locale, so
 * numbers print with a decimal point. Never throws: a probe must not take the node down.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: TOOL_MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' }
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ status: 'ok', stdout, stderr })
          return
        }
        const failure = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null }
        if (failure.code === 'ENOENT') {
          resolve({ status: 'absent' })
          return
        }
        let reason: string
        if (failure.killed === true && failure.signal === 'SIGKILL')
          reason = `timed out after ${timeoutMs} ms`
        else if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') reason = 'printed too much output'
        else if (typeof failure.code === 'number') reason = `exited with code ${failure.code}`
        else if (failure.signal) reason = `killed by ${failure.signal}`
        else reason = failure.message
        resolve({ status: 'failed', reason, stdout: String(stdout), stderr: String(stderr) })
      }
    )
  })
}

/** The first non-empty line of a tool's error output, for a log field. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  )
}
