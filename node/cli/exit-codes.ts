/** Exit codes scripts can rely on. */
export const EXIT = {
  OK: 0,
  /** something failed while running */
  FAILURE: 1,
  /** the command line is wrong (unknown command or flag, missing value) */
  USAGE: 2,
  /** the configuration or data dir is wrong, or a port is taken */
  CONFIG: 3,
  /** the node is not running (read commands could not reach its API) */
  NOT_RUNNING: 4
} as const
