import { Cron } from 'cdk8s';

/**
 * A CronJob schedule written as text: a five-field cron expression (`"30 2 * * 1-5"`) or one
 * of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
 *
 * A `Schedule` is a cdk8s `Cron`, so `ScheduledJobProps.schedule` accepts either: `Cron.daily()`
 * and `Cron.schedule({...})` build five-field expressions, `Schedule.expression()` takes any
 * text, including the macros `Cron` cannot express. The text is checked at synth by the rules
 * engine (field ranges, names, macros, `TZ=` prefixes), not here.
 */
export class Schedule extends Cron {
  /**
   * A schedule from cron text.
   *
   * @param text a five-field cron expression or a macro such as `@daily`
   */
  public static expression(text: string): Schedule {
    return new Schedule(String(text).trim());
  }

  private constructor(text: string) {
    super({});
    // `Cron` joins five fields into `expressionString`; a Schedule carries the text as written.
    Object.defineProperty(this, 'expressionString', { value: text, enumerable: true });
  }
}
