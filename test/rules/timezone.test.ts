import { isKnownTimeZone, loadLocationError, timeZoneNames, timeZoneProblem, timeZoneSuggestions, TZDATA_VERSION } from '../../src/rules/timezones';

describe('time zone names', () => {
  test('hold every zone and the legacy links of the tz database', () => {
    expect(timeZoneNames().size).toBeGreaterThan(550);
    for (const name of ['America/New_York', 'Europe/Berlin', 'UTC', 'Etc/UTC', 'US/Eastern', 'Asia/Calcutta', 'Asia/Kolkata', 'Etc/GMT+5', 'Etc/GMT-14', 'GB', 'Zulu', 'America/Argentina/ComodRivadavia']) {
      expect({ name, known: isKnownTimeZone(name) }).toEqual({ name, known: true });
    }
  });

  test('are case-sensitive and hold no directories', () => {
    for (const name of ['america/new_york', 'AMERICA/NEW_YORK', 'America', 'America/', 'Local', '', 'posix/UTC', 'right/UTC']) {
      expect({ name, known: isKnownTimeZone(name) }).toEqual({ name, known: false });
    }
  });

  test('record the tzdata version they were generated from', () => {
    expect(TZDATA_VERSION).toMatch(/^\d{4}[a-z]$/);
  });
});

describe('loadLocationError (Go time.LoadLocation)', () => {
  test.each(['', 'UTC', 'Local', 'Europe/Paris', 'US/Pacific'])('%j loads', (name) => {
    expect(loadLocationError(name)).toBeUndefined();
  });

  test.each([
    ['../zoneinfo/UTC', 'time: invalid location name'],
    ['/etc/localtime', 'time: invalid location name'],
    ['\\UTC', 'time: invalid location name'],
    ['Mars/Olympus', 'unknown time zone Mars/Olympus'],
    ['utc', 'unknown time zone utc'],
  ])('%j fails with %j', (name, message) => {
    expect(loadLocationError(name)).toBe(message);
  });
});

describe('timeZoneProblem (validateTimeZone)', () => {
  test.each(['America/New_York', 'US/Eastern', 'Asia/Calcutta', 'Etc/GMT+5', 'UTC', 'America/Port-au-Prince', 'America/Argentina/ComodRivadavia'])('%j is valid', (tz) => {
    expect(timeZoneProblem(tz)).toBeUndefined();
  });

  test.each([
    ['', 'empty', 'timeZone must be nil or non-empty string'],
    [' ', 'unknown', 'unknown time zone  '],
    [' America/New_York', 'unknown', 'unknown time zone  America/New_York'],
    ['America/New_York ', 'unknown', 'unknown time zone America/New_York '],
    ['America/New York', 'unknown', 'unknown time zone America/New York'],
    ['AMERICA/new_york', 'unknown', 'unknown time zone AMERICA/new_york'],
    ['Continent/Zone', 'unknown', 'unknown time zone Continent/Zone'],
    ['Local', 'local', 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'],
    ['LOCAL', 'local', 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'],
    ['../etc/passwd', 'unknown', 'unknown time zone ../etc/passwd'],
    ['/etc/passwd', 'unknown', 'unknown time zone /etc/passwd'],
    ['America//New_York', 'unknown', 'unknown time zone America//New_York'],
    ['Europe/-Berlin', 'unknown', 'unknown time zone Europe/-Berlin'],
    ['America/ABCDEFGHIJKLMNO', 'unknown', 'unknown time zone America/ABCDEFGHIJKLMNO'], // a part longer than 14
  ])('%j is rejected (%s)', (tz, reason, message) => {
    expect(timeZoneProblem(tz)).toEqual({ reason, message });
  });

  test('suggests the correctly cased name', () => {
    expect(timeZoneSuggestions('AMERICA/new_york')).toEqual(['America/New_York']);
    expect(timeZoneSuggestions('america/new york')).toEqual(['America/New_York']);
    expect(timeZoneSuggestions('Mars/Olympus')).toEqual([]);
  });
});
