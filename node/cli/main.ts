import { describeError, isRynusError } from '../../protocols/common/errors.js'
import { versions } from '../version.js'
import { parseCommandArgs, SETTING_OPTIONS, settingsHelp, UsageError } from './args.js'
import { ASSETS_USAGE, assetsCommand } from './assets-command.js'
import { devnetCommand } from './devnet.js'
import { EXIT } from './exit-codes.js'
import { initCommand } from './init.js'
import { jobCommand, workersCommand } from './job-commands.js'
import { createOutput, type Output } from './output.js'
import { peersCommand, statusCommand } from './read-commands.js'
import { startCommand } from './start.js'
import { WALLET_USAGE, walletCommand } from './wallet.js'

interface Command {
  summary: string
  usage: string
  options: Parameters<typeof parseCommandArgs>[1]
  /** Takes positional arguments (subcommands, files, ids). */
  positionals?: boolean
  run(
    flags: Record<string, string | boolean | undefined>,
    out: Output,
    positionals: string[]
  ): Promise<number>
}

const COMMON_HELP = `  --data-dir <dir>           node data dir (default ~/.rynus, env RYNUS_DATA_DIR)
  --json                     machine-readable output
  -h, --help                 this help`

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'create the data dir: peer key, API token and config.json',
    usage: `rynus-node init [--data-dir <dir>] [--force] [settings]\n\nSettings given here are written into config.json:\n${settingsHelp()}`,
    options: { ...SETTING_OPTIONS, force: { type: 'boolean' } },
    run: initCommand
  },
  start: {
    summary: 'run the node until Ctrl-C',
    usage: `rynus-node start [--data-dir <dir>] [settings]\n\nSettings override config.json (and RYNUS_* environment variables):\n${settingsHelp()}`,
    options: SETTING_OPTIONS,
    run: startCommand
  },
  status: {
    summary: "show the running node's peer id, addresses, roles and reachability",
    usage: 'rynus-node status [--data-dir <dir>] [--json]',
    options: {},
    run: statusCommand
  },
  peers: {
    summary: 'list the peers the running node is connected to',
    usage: 'rynus-node peers [--data-dir <dir>] [--json]',
    options: {},
    run: peersCommand
  },
  devnet: {
    summary: 'run a whole local network: super-peer, two workers, requester (web UI)',
    usage: 'rynus-node devnet [--data-dir <base dir, default .rynus/devnet>] [--json]',
    options: {},
    run: devnetCommand
  },
  job: {
    summary: 'submit render and training jobs and follow them: submit, ls, status, get, cancel',
    usage: `rynus-node job submit render <scene.blend> --frames 1-24 --max-price <tokens per frame>
           [--samples 32] [--resolution 640x360] [--engine cycles|eevee] [--device cpu|cuda|optix|hip]
           [--format png|jpeg|exr] [--budget <tokens>] [--deadline 2h] [--dry-run]
       rynus-node job submit train --data <data.csv> --label <column> --epochs 30 --max-price <tokens per epoch>
       rynus-node job submit train --data <images/> --epochs 10 --max-price <tokens per epoch> [--image-shape 28x28x1]
           [--template mlp|cnn|cnn-small|lstm-small] [--hidden 64,32] [--filters 16,32] [--model <tfjs model.json>]
           [--batch-size 32] [--learning-rate 0.01] [--optimizer adam|sgd|momentum|rmsprop|adagrad|adadelta]
           [--validation-split 0.2] [--held-out 0.2] [--budget <tokens>] [--deadline 2h] [--dry-run]
       rynus-node job ls
       rynus-node job status <job id> [--watch]
       rynus-node job get <job id> [-o <folder>]
       rynus-node job cancel <job id>

--dry-run uploads the scene (or CSV) and says whether the workers online can take the job, and if not why.
A --data folder is an image dataset: one subfolder per class of .png/.jpg images, resized to --image-shape
(height x width x channels, channels 1 or 3; default 28x28x1) and trained with cnn-small unless told otherwise.
Training keeps a held-out share of the rows (--held-out; for images, of every class) on this node to verify the delivered model;
\`job get\` of a training job writes model/model.json + model/weights.bin (tf.loadLayersModel) and metrics.json.`,
    options: {
      frames: { type: 'string' },
      samples: { type: 'string' },
      resolution: { type: 'string' },
      engine: { type: 'string' },
      device: { type: 'string' },
      format: { type: 'string' },
      'max-price': { type: 'string' },
      budget: { type: 'string' },
      deadline: { type: 'string' },
      'dry-run': { type: 'boolean' },
      data: { type: 'string' },
      label: { type: 'string' },
      epochs: { type: 'string' },
      template: { type: 'string' },
      hidden: { type: 'string' },
      filters: { type: 'string' },
      'image-shape': { type: 'string' },
      model: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      optimizer: { type: 'string' },
      'validation-split': { type: 'string' },
      'held-out': { type: 'string' },
      watch: { type: 'boolean' },
      output: { type: 'string', short: 'o' }
    },
    positionals: true,
    run: jobCommand
  },
  assets: {
    summary: "files and folders in the node's store: add (--watch), ls, get, pin, unpin, rm, gc",
    usage: ASSETS_USAGE,
    options: {
      compress: { type: 'string' },
      watch: { type: 'boolean' },
      pin: { type: 'boolean' },
      remote: { type: 'boolean' },
      duration: { type: 'string' },
      fetch: { type: 'boolean' },
      output: { type: 'string', short: 'o' }
    },
    positionals: true,
    run: assetsCommand
  },
  workers: {
    summary: 'list the workers this node can find in the DHT',
    usage: 'rynus-node workers ls [--render] [--min-vram <GB>] [--json]',
    options: { render: { type: 'boolean' }, 'min-vram': { type: 'string' } },
    positionals: true,
    run: workersCommand
  },
  wallet: {
    summary: "the node's wallet: create, address, balance, deposit (stake), withdraw",
    usage: WALLET_USAGE,
    options: { 'chain-passphrase-file': { type: 'string' } },
    positionals: true,
    run: walletCommand
  },
  version: {
    summary: 'print versions',
    usage: 'rynus-node version [--json]',
    options: {},
    run: async (_flags, out) => {
      const v = versions()
      out.result(v, `rynus-node ${v.rynus} (libp2p ${v.libp2p}, node ${v.node})`)
      return EXIT.OK
    }
  }
}

function mainHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  return `rynus-node — a node of the Rynus decentralized GPU cloud\n\nusage: rynus-node <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrun \`rynus-node <command> --help\` for a command's options`
}

/** Exit code for an error: usage 2, config/data dir/port 3, node not running 4, else 1. */
function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.USAGE
  const code = isRynusError(err) ? err.code : ''
  if (['ERR_CONFIG', 'ERR_DATA_DIR', 'ERR_PORT_IN_USE', 'ERR_NOT_INITIALISED', 'ERR_DEVNET'].includes(code)) {
    return EXIT.CONFIG
  }
  if (code === 'ERR_NOT_RUNNING') return EXIT.NOT_RUNNING
  return EXIT.FAILURE
}

/** Runs one CLI invocation and returns its exit code. Errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`)
    return name === undefined ? EXIT.USAGE : EXIT.OK
  }
  if (name === '--version') return COMMANDS.version.run({}, createOutput(false), [])
  const command = COMMANDS[name]
  if (command === undefined) {
    process.stderr.write(`rynus-node: unknown command "${name}"; run \`rynus-node --help\` for the list\n`)
    return EXIT.USAGE
  }
  try {
    const { flags, positionals } = parseCommandArgs(rest, command.options, command.positionals === true)
    if (flags.help === true) {
      process.stdout.write(
        `${command.summary}\n\nusage: ${command.usage}\n\ncommon options:\n${COMMON_HELP}\n`
      )
      return EXIT.OK
    }
    return await command.run(flags, createOutput(flags.json === true), positionals)
  } catch (err) {
    const code = isRynusError(err) ? ` (${err.code})` : ''
    process.stderr.write(`rynus-node ${name}: ${describeError(err)}${code}\n`)
    if (!isRynusError(err) && process.env.RYNUS_DEBUG !== undefined) console.error(err)
    return exitCodeFor(err)
  }
}
