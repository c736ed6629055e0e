/**
 * `cdk8s-batch`: the command-line entry point. Each subcommand lives in its own
 * module and registers in `COMMANDS`. This is the only module that reads
 * `process.argv`, `process.env` and sets the exit code.
 */
import { COMMANDS, type CommandIo } from './commands.ts';
import { UsageError } from './cli/usage-error.ts';

const USAGE = `usage: cdk8s-batch <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'cdk8s-batch <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...given] = argv;
  // `npx projen sandbox -- --flag` passes the `--` through: it separates nothing here.
  const rest = given[0] === '--' ? given.slice(1) : given;
  const io: CommandIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`cdk8s-batch: unknown command ${JSON.stringify(name)}; expected one of ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cdk8s-batch ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`cdk8s-batch: internal error: ${message}\n`);
    if (process.env.CDK8S_BATCH_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exitCode = 2;
  },
);
