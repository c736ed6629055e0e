/**
 * An error the user can fix by changing the command line or the input: printed as one
 * line (`cdk8s-batch <command>: <message>`) with exit code 2, never as a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
