import * as fc from 'fast-check';
import { firesPerDay, nextFireTimes, parseGoDuration, parseSchedule } from '../../src/rules/cron';

function error(s: string): string | undefined {
  const r = parseSchedule(s);
  return r.ok ? undefined : r.error;
}

function iso(times: number[]): string[] {
  return times.map((t) => new Date(t).toISOString());
}

describe('parseSchedule', () => {
  // Schedules robfig/cron v3 ParseStandard accepts, including its quirks.
  test.each([
    ['* * * * *'],
    ['* * * * ?'], // `?` is "any" in every field
    ['? ? ? ? ?'],
    ['0 3 * * *'],
    ['0,15,30,45 * * * *'],
    ['0-59/5 * * * *'],
    ['5/15 * * * *'], // N/step means N-max/step
    ['*/120 * * * *'], // a step bigger than the range is accepted
    ['0 0 1 jan *'],
    ['0 0 * JAN-Mar MON-fri'], // names are case-insensitive
    ['0 0 * * sun,sat'],
    ['0 0 * * 0-6'],
    ['0 0 31 12 6'],
    ['*-5 * * * *'], // anything after `*-` is never read
    ['+5 * * * *'], // strconv.Atoi accepts a plus sign
    ['1,,2 * * * *'], // empty list items are skipped
    [', * * * *'], // ...even when none is left
    ['  0   3\t* *  * '], // any whitespace separates fields
    ['@yearly'],
    ['@annually'],
    ['@monthly'],
    ['@weekly'],
    ['@daily'],
    ['@midnight'],
    ['@hourly'],
    ['@every 1h30m'],
    ['@every 1.5h'],
    ['@every 0'], // becomes one second
    ['@every -5m'], // negative delays become one second too
    ['@every 10\u00B5s'],
    ['TZ=UTC 0 3 * * *'],
    ['CRON_TZ=America/New_York 0 3 * * *'],
    ['TZ=US/Eastern 0 3 * * *'],
    ['TZ= 0 3 * * *'], // an empty location loads as UTC
    ['TZ=Local 0 3 * * *'],
    ['TZ=UTC    @daily'],
  ])('accepts %j', (s) => {
    expect(error(s)).toBeUndefined();
  });

  // Schedules it rejects, with its own error text.
  test.each([
    ['', 'empty spec string'],
    ['error', 'expected exactly 5 fields, found 1: [error]'],
    ['0 3 * * * *', 'expected exactly 5 fields, found 6: [0 3 * * * *]'],
    ['0 3 * *', 'expected exactly 5 fields, found 4: [0 3 * *]'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * 32 * *', 'end of range (32) above maximum (31): 32'],
    ['* * * 0 *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['*/-1 * * * *', 'negative number (-1) not allowed: -1'],
    ['-1 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['* * * * mon/2x', 'failed to parse int from 2x: strconv.Atoi: parsing "2x": invalid syntax'],
    ['0 0 * jan-foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
    ['0 0 L * *', 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    ['0 0 * * 5#3', 'failed to parse int from 5#3: strconv.Atoi: parsing "5#3": invalid syntax'],
    ['0 0 jan * *', 'failed to parse int from jan: strconv.Atoi: parsing "jan": invalid syntax'], // names only in month and day-of-week
    ['99999999999999999999 * * * *', 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['@Daily', 'unrecognized descriptor: @Daily'], // descriptors are case-sensitive
    ['@reboot', 'unrecognized descriptor: @reboot'],
    ['@daily ', 'unrecognized descriptor: @daily '],
    [' @daily', 'expected exactly 5 fields, found 1: [@daily]'],
    ['@every', 'unrecognized descriptor: @every'],
    ['@every ', 'failed to parse duration @every : time: invalid duration ""'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every 5d', 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"'],
    ['@every  5m', 'failed to parse duration @every  5m: time: invalid duration " 5m"'],
    ['TZ=Mars/Olympus 0 3 * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ['TZ=america/new_york 0 3 * * *', 'provided bad location america/new_york: unknown time zone america/new_york'],
    ['TZ=UTC\t0 3 * * *', 'provided bad location UTC\t0: unknown time zone UTC\t0'], // the location ends at the first space only
    ['CRON_TZ=../etc/passwd 0 3 * * *', 'provided bad location ../etc/passwd: time: invalid location name'],
  ])('rejects %j', (s, message) => {
    expect(error(s)).toBe(message);
  });

  test('a TZ= prefix without a space is reported as the parser crash it causes', () => {
    for (const s of ['TZ=UTC', 'CRON_TZ=Europe/Berlin', 'TZ=UTC\t0\t3\t*\t*\t*']) {
      const r = parseSchedule(s);
      expect(r.ok).toBe(false);
      expect(r.ok ? undefined : r.crash).toBe(true);
    }
  });

  test('names the descriptor and the TZ location it read', () => {
    expect(parseSchedule('TZ=Asia/Calcutta @every 2h')).toMatchObject({ ok: true, descriptor: '@every', location: 'Asia/Calcutta' });
    expect(parseSchedule('@weekly')).toMatchObject({ ok: true, descriptor: '@weekly' });
    expect(parseSchedule('0 3 * * *')).not.toHaveProperty('descriptor');
  });

  test('@every keeps whole seconds, at least one', () => {
    const every = (s: string) => {
      const r = parseSchedule(s);
      return r.ok && r.schedule.kind === 'every' ? r.schedule.seconds : undefined;
    };
    expect(every('@every 1h30m')).toBe(5400);
    expect(every('@every 1500ms')).toBe(1);
    expect(every('@every 2.9s')).toBe(2);
    expect(every('@every 100ms')).toBe(1);
  });

  test('never throws, whatever the input (property)', () => {
    const cronish = fc.stringOf(fc.constantFrom('0', '1', '5', '7', '9', '*', '?', '/', '-', ',', ' ', '\t', 'L', 'W', '#', 'm', 'o', 'n', 'J', 'A', 'N', '@', 'T', 'Z', '='), { maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.fullUnicodeString(), cronish), (s) => {
        const r = parseSchedule(s);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(typeof r.error).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  test('every accepted five-field schedule has exactly five fields with values in range (property)', () => {
    const field = fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 70 }).map(String), fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 })).map(([a, b]) => `${a}-${b}`));
    fc.assert(
      fc.property(fc.array(field, { minLength: 5, maxLength: 5 }), (fields) => {
        const r = parseSchedule(fields.join(' '));
        const max = [59, 23, 31, 12, 6];
        const min = [0, 0, 1, 1, 0];
        const inRange = fields.every((f, i) => {
          if (f === '*') return true;
          const [a, b] = f.split('-').map(Number);
          const end = b ?? a;
          return a >= min[i] && end <= max[i] && a <= end;
        });
        expect(r.ok).toBe(inRange);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseGoDuration', () => {
  test.each([
    ['0', 0n],
    ['1h', 3_600_000_000_000n],
    ['-1.5h', -5_400_000_000_000n],
    ['+2m3s', 123_000_000_000n],
    ['1us', 1000n],
    ['.5s', 500_000_000n],
    ['5.s', 5_000_000_000n],
  ])('%s is %s ns', (s, ns) => {
    expect(parseGoDuration(s)).toBe(ns);
  });

  test.each(['', '.', 's', '1', '1d', '1h 2m', '9999999999h', '-', '1..5s'])('%j is invalid', (s) => {
    expect(typeof parseGoDuration(s)).toBe('string');
  });
});

describe('nextFireTimes', () => {
  const monday = Date.UTC(2024, 0, 1); // 2024-01-01 is a Monday

  function next(s: string, from: number, count: number): string[] {
    const r = parseSchedule(s);
    if (!r.ok) throw new Error(r.error);
    return iso(nextFireTimes(r.schedule, from, count));
  }

  test('fires strictly after the start time', () => {
    expect(next('0 3 * * *', Date.UTC(2024, 0, 1, 3, 0), 2)).toEqual(['2024-01-02T03:00:00.000Z', '2024-01-03T03:00:00.000Z']);
    expect(next('*/20 * * * *', Date.UTC(2024, 0, 1, 10, 5, 30), 3)).toEqual([
      '2024-01-01T10:20:00.000Z',
      '2024-01-01T10:40:00.000Z',
      '2024-01-01T11:00:00.000Z',
    ]);
  });

  test('weekdays only', () => {
    expect(next('0 9 * * mon-fri', Date.UTC(2024, 0, 5, 10), 2)).toEqual(['2024-01-08T09:00:00.000Z', '2024-01-09T09:00:00.000Z']);
  });

  test('day-of-month and day-of-week combine with OR when both are restricted', () => {
    // the 1st, the 15th and every Monday
    expect(next('0 0 1,15 * 1', Date.UTC(2024, 0, 1, 1), 4)).toEqual([
      '2024-01-08T00:00:00.000Z',
      '2024-01-15T00:00:00.000Z',
      '2024-01-22T00:00:00.000Z',
      '2024-01-29T00:00:00.000Z',
    ]);
    // with a `*` day-of-week they combine with AND
    expect(next('0 0 1 * *', monday, 2)).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    // a stepped `*/2` is a restriction, so OR applies again: odd days or Sundays
    expect(next('0 0 */2 * 0', Date.UTC(2024, 0, 1, 1), 3)).toEqual([
      '2024-01-03T00:00:00.000Z',
      '2024-01-05T00:00:00.000Z',
      '2024-01-07T00:00:00.000Z',
    ]);
  });

  test('leap days and impossible dates', () => {
    expect(next('0 0 29 2 *', monday, 2)).toEqual(['2024-02-29T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    expect(next('0 0 30 2 *', monday, 1)).toEqual([]);
  });

  test('descriptors and @every', () => {
    expect(next('@monthly', Date.UTC(2024, 0, 15), 1)).toEqual(['2024-02-01T00:00:00.000Z']);
    expect(next('@weekly', Date.UTC(2024, 0, 1, 12), 1)).toEqual(['2024-01-07T00:00:00.000Z']);
    expect(next('@every 90m', Date.UTC(2024, 0, 1, 0, 0, 0, 500), 2)).toEqual(['2024-01-01T01:30:00.000Z', '2024-01-01T03:00:00.000Z']);
  });
});

describe('firesPerDay', () => {
  const fires = (s: string) => {
    const r = parseSchedule(s);
    if (!r.ok) throw new Error(r.error);
    return firesPerDay(r.schedule, Date.UTC(2024, 0, 1));
  };

  test('counts the fires of a day the schedule fires at all', () => {
    expect(fires('* * * * *')).toBe(1440);
    expect(fires('*/15 * * * *')).toBe(96);
    expect(fires('0 * * * *')).toBe(24);
    expect(fires('* 9-11 15 * *')).toBe(180);
    expect(fires('*/10 9-17 * * mon-fri')).toBe(54);
    expect(fires('0 3 * * *')).toBe(1);
    expect(fires('@every 1h')).toBe(24);
    expect(fires('@every 90s')).toBe(960);
  });

  test('is 0 for a schedule that never fires', () => {
    expect(fires('* * 30 2 *')).toBe(0);
  });

  test('matches the busiest 24-hour window of the real fire times', () => {
    // brute force over the fire times of the first weeks of 2024
    for (const s of ['*/7 */5 * * *', '0,30 8-20 1,15 * 1', '*/20 * 29 2 *', '5 4 * * sun']) {
      const r = parseSchedule(s);
      if (!r.ok) throw new Error(r.error);
      const times = nextFireTimes(r.schedule, Date.UTC(2024, 0, 1), 3000);
      let best = 0;
      let first = 0;
      times.forEach((t, i) => {
        while (t - times[first] >= 24 * 3600 * 1000) first++;
        best = Math.max(best, i - first + 1);
      });
      expect({ s, fires: fires(s) }).toEqual({ s, fires: best });
    }
  });
});
