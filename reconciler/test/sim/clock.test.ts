import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, ScaledClock } from '../../src/sim/clock.ts';

describe('ManualClock', () => {
  it('fires due timers in time order and sets now() to each due time', () => {
    // GIVEN
    const clock = new ManualClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.setTimer(300, () => fired.push(['b', clock.now()]));
    clock.setTimer(100, () => fired.push(['a', clock.now()]));
    clock.setTimer(900, () => fired.push(['late', clock.now()]));
    // WHEN
    clock.advance(500);
    // THEN
    assert.deepEqual(fired, [['a', 1_100], ['b', 1_300]]);
    assert.equal(clock.now(), 1_500);
    assert.equal(clock.pendingTimers, 1);
  });

  it('fires timers scheduled by fired timers within the same window', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(100, () => {
      fired.push(clock.now());
      clock.setTimer(0, () => fired.push(clock.now()));
      clock.setTimer(200, () => fired.push(clock.now()));
      clock.setTimer(1_000, () => fired.push(clock.now()));
    });
    clock.advance(500);
    assert.deepEqual(fired, [100, 100, 300]);
    assert.equal(clock.nextTimerAt(), 1_100);
  });

  it('keeps scheduling order for timers due at the same instant', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    for (const name of ['x', 'y', 'z']) clock.setTimer(50, () => fired.push(name));
    clock.advance(50);
    assert.deepEqual(fired, ['x', 'y', 'z']);
  });

  it('does not fire cancelled timers', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.setTimer(10, () => (fired = true));
    cancel();
    clock.advance(100);
    assert.equal(fired, false);
  });

  it('fails instead of spinning when timers keep rescheduling at the same instant', () => {
    const clock = new ManualClock(0);
    const loop = (): void => {
      clock.setTimer(0, loop);
    };
    clock.setTimer(0, loop);
    assert.throws(() => clock.advance(1), /more than .* timers fired in one advance/);
  });
});

describe('ScaledClock', () => {
  it('runs simulated time speed× faster than its base clock', () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, speed: 60, start: 1_000_000 });
    base.advance(1_000);
    assert.equal(clock.now(), 1_060_000);
  });

  it('fires a timer after ms / speed of base time', () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, speed: 10, start: 0 });
    const fired: number[] = [];
    clock.setTimer(60_000, () => fired.push(clock.now()));
    base.advance(5_999);
    assert.deepEqual(fired, []);
    base.advance(1);
    assert.deepEqual(fired, [60_000]);
  });

  it('keeps simulated due times when the speed changes', () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, speed: 1, start: 0 });
    const fired: number[] = [];
    clock.setTimer(10_000, () => fired.push(clock.now()));
    base.advance(2_000);
    clock.setSpeed(4);
    base.advance(1_999);
    assert.deepEqual(fired, []);
    base.advance(1);
    assert.deepEqual(fired, [10_000]);
  });

  it('rejects a speed that is not positive', () => {
    assert.throws(() => new ScaledClock({ speed: 0 }), /speed must be a positive number/);
  });

  it('cancels pending timers on dispose', () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, speed: 2, start: 0 });
    let fired = false;
    clock.setTimer(100, () => (fired = true));
    clock.dispose();
    base.advance(1_000);
    assert.equal(fired, false);
    assert.equal(base.pendingTimers, 0);
  });
});
