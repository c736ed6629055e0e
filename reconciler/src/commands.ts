/** The subcommands of `cdk8s-batch`. Each module exports one `Command`. */
import type { Readable, Writable } from 'node:stream';
import { checkCommand } from './check/command.ts';
import { kubeletCommand } from './kubelet/command.ts';
import { reconcileCommand } from './reconcile/command.ts';
import { sandboxCommand } from './sandbox/command.ts';

/** What a command may touch: streams, environment and working directory are injected for tests. */
export interface CommandIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** One line for `cdk8s-batch --help`. */
  readonly summary: string;
  /** Runs the command and resolves to the process exit code. Throws `UsageError` for bad flags. */
  run(args: string[], io: CommandIo): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  kubelet: kubeletCommand,
  reconcile: reconcileCommand,
  sandbox: sandboxCommand,
};
