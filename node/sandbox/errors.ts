import { RynusError } from '../../protocols/common/errors.js'

/** bubblewrap is missing or cannot build a sandbox on this host; no job may run unsandboxed. */
export class SandboxUnavailableError extends RynusError {
  constructor(detail: string, options?: ErrorOptions) {
    super(
      `the job sandbox is unavailable: ${detail}. Install bubblewrap (apt-get install bubblewrap) and make ` +
        'sure user namespaces are allowed (sysctl kernel.unprivileged_userns_clone=1, ' +
        'user.max_user_namespaces > 0, no AppArmor rule denying them to bwrap)',
      'ERR_SANDBOX_UNAVAILABLE',
      options
    )
  }
}

/** The caller asked for something the sandbox cannot do safely (bad job folder, bad limit). */
export class SandboxSpecError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_SANDBOX_SPEC')
  }
}
