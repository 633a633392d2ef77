import { JobKindError } from '../errors.js'
import { renderJobKind } from '../kinds/render/kind.js'
import { trainJobKind } from '../kinds/train/kind.js'
import type { JobKind } from './types.js'

/** The job kinds a node understands, by name. */
export class JobKindRegistry {
  readonly #kinds = new Map<string, JobKind>()

  constructor(kinds: readonly JobKind[] = []) {
    for (const kind of kinds) this.register(kind)
  }

  register(kind: JobKind): void {
    if (this.#kinds.has(kind.name)) throw new JobKindError(`job kind "${kind.name}" is registered twice`)
    this.#kinds.set(kind.name, kind)
  }

  /** The kind, or undefined when this node does not know it. */
  find(name: string): JobKind | undefined {
    return this.#kinds.get(name)
  }

  /** The kind, or a JobKindError naming the known ones. */
  get(name: string): JobKind {
    const kind = this.#kinds.get(name)
    if (kind === undefined) {
      throw new JobKindError(`job kind "${name}" is unknown here; known kinds: ${this.names().join(', ')}`)
    }
    return kind
  }

  names(): string[] {
    return [...this.#kinds.keys()]
  }
}

/** The kinds every node ships with: render and train. */
export function defaultJobKinds(): JobKindRegistry {
  return new JobKindRegistry([renderJobKind, trainJobKind])
}
