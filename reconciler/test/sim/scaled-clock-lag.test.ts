import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Clock } from '../../src/emulator/types.ts';
import { ScaledClock } from '../../src/sim/clock.ts';

/** A base clock whose timers fire only when the test says, however late. */
function laggingBase(): Clock & { t: number; fireAll(): void } {
  const pending: Array<() => void> = [];
  return {
    t: 0,
    now() {
      return this.t;
    },
    setTimer(_ms: number, fn: () => void) {
      pending.push(fn);
      return () => undefined;
    },
    fireAll() {
      pending.splice(0).forEach((fn) => fn());
    },
  };
}

it('holds simulated time at a late timer\'s due time and runs the timer at that time', () => {
  const base = laggingBase();
  const clock = new ScaledClock({ speed: 100, start: 1_000_000, base });
  let seenAt: number | undefined;
  clock.setTimer(10_000, () => (seenAt = clock.now()));
  base.t = 150; // 50 ms of base-clock lag past the due time: 5 simulated seconds at ×100
  assert.equal(clock.now(), 1_010_000, 'time does not pass the pending timer');
  base.fireAll();
  assert.equal(seenAt, 1_010_000, 'the timer sees its own due time');
  assert.equal(clock.now(), 1_010_000, 'time resumes from the due time, not from the lagged time');
  base.t = 160;
  assert.equal(clock.now(), 1_011_000);
});

it('never goes backwards when timers fire', () => {
  const base = laggingBase();
  const clock = new ScaledClock({ speed: 10, start: 0, base });
  const seen: number[] = [];
  clock.setTimer(100, () => seen.push(clock.now()));
  clock.setTimer(50, () => seen.push(clock.now()));
  base.t = 30;
  const before = clock.now();
  base.fireAll();
  assert.ok(seen.every((t) => t >= before));
  assert.ok(clock.now() >= Math.max(...seen));
});
