import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration, parseSchedule } from '../../src/core/schedule.ts';

const T = (iso: string): number => Date.parse(iso);

describe('parseSchedule', () => {
  it('finds the last run at or before a time, and the next run strictly after it', () => {
    const s = parseSchedule('*/15 * * * *', undefined, 0)!;
    assert.equal(s.prev(T('2026-06-01T12:07:00Z')), T('2026-06-01T12:00:00Z'));
    assert.equal(s.prev(T('2026-06-01T12:15:00Z')), T('2026-06-01T12:15:00Z'));
    assert.equal(s.next(T('2026-06-01T12:15:00Z')), T('2026-06-01T12:30:00Z'));
  });

  it('evaluates the schedule in spec.timeZone', () => {
    const s = parseSchedule('0 9 * * *', 'Europe/Berlin', 0)!;
    assert.equal(s.prev(T('2026-06-01T12:00:00Z')), T('2026-06-01T07:00:00Z'));
    const winter = s.prev(T('2026-01-10T12:00:00Z'));
    assert.equal(winter, T('2026-01-10T08:00:00Z'));
  });

  it('reads a TZ= or CRON_TZ= prefix when spec.timeZone is unset', () => {
    assert.equal(parseSchedule('TZ=America/New_York 0 9 * * *', undefined, 0)!.prev(T('2026-06-01T23:00:00Z')), T('2026-06-01T13:00:00Z'));
    assert.equal(parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *', undefined, 0)!.prev(T('2026-06-01T23:00:00Z')), T('2026-06-01T00:00:00Z'));
  });

  const descriptors: Array<[string, string]> = [
    ['@hourly', '2026-06-01T12:00:00Z'],
    ['@daily', '2026-06-01T00:00:00Z'],
    ['@midnight', '2026-06-01T00:00:00Z'],
    ['@weekly', '2026-05-31T00:00:00Z'],
    ['@monthly', '2026-06-01T00:00:00Z'],
    ['@yearly', '2026-01-01T00:00:00Z'],
    ['@annually', '2026-01-01T00:00:00Z'],
  ];
  for (const [descriptor, expected] of descriptors) {
    it(`reads ${descriptor}`, () => {
      assert.equal(parseSchedule(descriptor, undefined, 0)!.prev(T('2026-06-01T12:30:00Z')), T(expected));
    });
  }

  it('counts @every from the anchor, cut to the second', () => {
    const anchor = T('2026-06-01T10:00:00.700Z');
    const s = parseSchedule('@every 1h30m', undefined, anchor)!;
    assert.equal(s.prev(T('2026-06-01T11:29:59Z')), undefined);
    assert.equal(s.prev(T('2026-06-01T13:05:00Z')), T('2026-06-01T13:00:00Z'));
    assert.equal(s.next(T('2026-06-01T13:00:00Z')), T('2026-06-01T14:30:00Z'));
    assert.equal(s.next(T('2026-06-01T09:00:00Z')), T('2026-06-01T11:30:00Z'));
    assert.equal(s.count(anchor, T('2026-06-01T16:00:00Z'), 100), 4);
  });

  it('counts the runs in a window, stopping past the limit', () => {
    const s = parseSchedule('* * * * *', undefined, 0)!;
    assert.equal(s.count(T('2026-06-01T12:00:00Z'), T('2026-06-01T12:05:00Z'), 100), 5);
    assert.equal(s.count(T('2026-06-01T00:00:00Z'), T('2026-06-02T00:00:00Z'), 100), 101);
    assert.equal(s.count(T('2026-06-01T12:05:00Z'), T('2026-06-01T12:00:00Z'), 100), 0);
  });

  const unusable: Array<[unknown, unknown]> = [
    [undefined, undefined],
    [42, undefined],
    ['', undefined],
    ['not a schedule', undefined],
    ['0 0 * * * *', undefined], // six fields: cron-parser would read seconds, the controller refuses it
    ['* * * *', undefined],
    ['0 0 30 2 *', undefined], // never fires
    ['0 9 * * *', 'Mars/Olympus_Mons'],
    ['@every', undefined],
    ['@every 10 minutes', undefined],
    ['@fortnightly', undefined],
  ];
  for (const [schedule, tz] of unusable) {
    it(`refuses schedule ${JSON.stringify(schedule)}${tz ? ` in ${String(tz)}` : ''}`, () => {
      assert.equal(parseSchedule(schedule, tz, 0), undefined);
    });
  }
});

describe('parseGoDuration', () => {
  const rows: Array<[string, number | undefined]> = [
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['2h0m5s', 7_205_000],
    ['', undefined],
    ['5', undefined],
    ['5d', undefined],
    ['-5m', undefined],
  ];
  for (const [text, ms] of rows) {
    it(`parses ${JSON.stringify(text)}`, () => assert.equal(parseGoDuration(text), ms));
  }
});
