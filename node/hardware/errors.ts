import { RynusError } from '../../protocols/common/errors.js'

const EXCERPT_CHARS = 80

/**
 * A GPU tool (nvidia-smi, rocm-smi) printed something the parser does not understand. The
 * message names the tool and the line so the operator can report the output with their GPU
 * model; the parser never guesses a value from such output.
 */
export class GpuToolOutputError extends RynusError {
  readonly tool: string
  /** 1-based line of the tool's output, when the problem is on one line. */
  readonly line?: number

  constructor(tool: string, problem: string, line?: number, text?: string) {
    const where = line === undefined ? '' : ` line ${line}`
    const excerpt = text === undefined ? '' : ` (${JSON.stringify(text.slice(0, EXCERPT_CHARS))})`
    super(
      `${tool} output${where} is not understood: ${problem}${excerpt}. ` +
        `Check that ${tool} works when run by hand; if it does, report this output with the GPU model and driver version`,
      'ERR_GPU_TOOL_OUTPUT'
    )
    this.tool = tool
    this.line = line
  }
}
