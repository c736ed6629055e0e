import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WorkQueue, runWorkers } from '../../src/runtime/work-queue.ts';
import { ExponentialBackoff, TokenBucket, backoffDelay } from '../../src/runtime/rate-limiter.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('WorkQueue', () => {
  it('de-duplicates keys that are waiting', async () => {
    // GIVEN
    const q = new WorkQueue();
    // WHEN
    q.add('a');
    q.add('a');
    q.add('b');
    // THEN
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.length, 0);
    q.shutDown();
  });

  it('defers a key re-added while it is processed until done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a');
    q.add('a');
    assert.equal(q.length, 0, 'not handed out while in flight');
    q.done(key!);
    assert.equal(q.length, 1, 'queued once after done');
    assert.equal(await q.get(), 'a');
    q.done('a');
    assert.equal(q.length, 0);
    q.shutDown();
  });

  it('does not re-queue a key that was not re-added during processing', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.done((await q.get())!);
    assert.equal(q.length, 0);
    q.shutDown();
  });

  it('hands a key to a waiting get', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add('x');
    assert.equal(await pending, 'x');
    q.shutDown();
  });

  it('addAfter keeps the earliest due time', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 60_000);
    q.addAfter('a', 5);
    q.addAfter('a', 120_000);
    assert.equal(q.delayed, 1);
    assert.equal(await q.get(), 'a');
    assert.equal(q.delayed, 0);
    q.shutDown();
  });

  it('addRateLimited backs off per key with jitter and honours a minimum delay', () => {
    const spread = new WorkQueue({ baseDelayMs: 1000, maxDelayMs: 10_000 });
    const delays = Array.from({ length: 50 }, (_, i) => spread.addRateLimited(`k${i}`));
    assert.ok(delays.every((d) => d >= 800 && d <= 1200), 'within ±20 %');
    assert.ok(new Set(delays).size > 1, 'spread');
    spread.shutDown();
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 1000, random: () => 0.5 });
    assert.equal(q.addRateLimited('a'), 10);
    assert.equal(q.addRateLimited('a'), 20);
    assert.equal(q.addRateLimited('b'), 10, 'backoff is per key');
    assert.equal(q.addRateLimited('a', 5000), 5000, 'Retry-After wins when longer');
    assert.equal(q.numRequeues('a'), 3);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    assert.equal(q.addRateLimited('a'), 10);
    q.shutDown();
  });

  it('hands out every normally added key before any low-priority key', async () => {
    const q = new WorkQueue();
    q.addLowPriority('resync-1');
    q.addLowPriority('resync-2');
    q.add('event-1');
    q.addLowPriority('resync-3');
    q.add('event-2');
    const order = [];
    while (q.length > 0) {
      const key = (await q.get())!;
      order.push(key);
      q.done(key);
    }
    assert.deepEqual(order, ['event-1', 'event-2', 'resync-1', 'resync-2', 'resync-3']);
    q.shutDown();
  });

  it('moves a waiting low-priority key to the front lane when it is added normally, once', async () => {
    const q = new WorkQueue();
    for (const k of ['r1', 'r2', 'r3']) q.addLowPriority(k);
    q.add('r3');
    q.addLowPriority('r3');
    assert.equal(q.length, 3, 'still one entry per key');
    const order = [];
    while (q.length > 0) {
      const key = (await q.get())!;
      order.push(key);
      q.done(key);
    }
    assert.deepEqual(order, ['r3', 'r1', 'r2']);
    q.shutDown();
  });

  it('re-queues a key re-added during processing in the lane it was re-added to', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    const a = (await q.get())!;
    q.addLowPriority('a');
    q.done(a);
    q.add('c');
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['b', 'c', 'a']);
    q.shutDown();
  });

  it('behaves like a model of two de-duplicated FIFO lanes for any sequence of operations', async () => {
    type Op = { op: 'add' | 'low'; key: string } | { op: 'take' } | { op: 'done' };
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('add' as const), key }),
      fc.record({ op: fc.constant('low' as const), key }),
      fc.constant({ op: 'take' as const }),
      fc.constant({ op: 'done' as const }),
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
      const q = new WorkQueue();
      // The model: two ordered lanes without duplicates, and the keys in flight with the lane of a re-add.
      const high: string[] = [];
      const low: string[] = [];
      const inFlight = new Map<string, 'high' | 'low' | undefined>();
      const enqueue = (k: string, lane: 'high' | 'low'): void => {
        if (inFlight.has(k)) {
          if (inFlight.get(k) !== 'high') inFlight.set(k, lane);
        } else if (low.includes(k) && lane === 'high') {
          low.splice(low.indexOf(k), 1);
          high.push(k);
        } else if (!high.includes(k) && !low.includes(k)) {
          (lane === 'high' ? high : low).push(k);
        }
      };
      for (const o of ops) {
        if (o.op === 'add' || o.op === 'low') {
          if (o.op === 'add') q.add(o.key);
          else q.addLowPriority(o.key);
          enqueue(o.key, o.op === 'add' ? 'high' : 'low');
        } else if (o.op === 'take') {
          if (q.length === 0) continue;
          const expected = high.shift() ?? low.shift();
          const got = await q.get();
          assert.equal(got, expected);
          inFlight.set(got!, undefined);
        } else {
          const k = inFlight.keys().next().value;
          if (k === undefined) continue;
          const pending = inFlight.get(k);
          inFlight.delete(k);
          q.done(k);
          if (pending) enqueue(k, pending);
        }
        assert.equal(q.length, high.length + low.length);
        assert.equal(q.inFlight, inFlight.size);
      }
      q.shutDown();
    }), { numRuns: 300 });
  });

  it('shutDown releases waiting getters and drops delayed keys', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.addAfter('later', 60_000);
    q.shutDown();
    assert.equal(await pending, undefined);
    assert.equal(q.delayed, 0);
    q.add('x');
    assert.equal(q.length, 0);
  });
});

describe('runWorkers', () => {
  it('processes different keys concurrently but one key at a time', async () => {
    // GIVEN three workers and a processor that blocks until released
    const q = new WorkQueue();
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const active = new Map<string, number>();
    let maxPerKey = 0;
    let processed = 0;
    const running = runWorkers(q, {
      workers: 3,
      maxRetries: 0,
      process: async (key) => {
        active.set(key, (active.get(key) ?? 0) + 1);
        maxPerKey = Math.max(maxPerKey, active.get(key)!);
        const gate = deferred();
        gates.set(key, gate);
        await gate.promise;
        active.set(key, active.get(key)! - 1);
        processed++;
      },
    });
    // WHEN
    q.add('a');
    q.add('b');
    q.add('c');
    await waitFor(() => q.inFlight === 3);
    q.add('a'); // re-added while in flight
    assert.equal(q.length, 0);
    gates.get('b')!.resolve();
    gates.get('c')!.resolve();
    await waitFor(() => processed === 2);
    assert.equal(q.inFlight, 1, 'the second "a" waits for the first');
    gates.get('a')!.resolve();
    await waitFor(() => processed === 3 && active.get('a') === 1);
    gates.get('a')!.resolve();
    await waitFor(() => processed === 4);
    // THEN
    assert.equal(maxPerKey, 1);
    q.shutDown();
    await running;
  });

  it('retries a failing key with backoff up to maxRetries, then drops it', async () => {
    const q = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 4 });
    const attempts: boolean[] = [];
    let calls = 0;
    const running = runWorkers(q, {
      workers: 2,
      maxRetries: 2,
      process: async () => {
        calls++;
        throw new Error('boom');
      },
      onError: (_key, _err, willRetry) => attempts.push(willRetry),
    });
    q.add('k');
    await waitFor(() => attempts.length === 3);
    assert.deepEqual(attempts, [true, true, false]);
    assert.equal(calls, 3);
    assert.equal(q.numRequeues('k'), 0, 'forgotten after giving up');
    q.shutDown();
    await running;
  });

  it('forgets the backoff of a key that succeeds', async () => {
    const q = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 4 });
    let calls = 0;
    const running = runWorkers(q, {
      workers: 1,
      maxRetries: 5,
      process: async () => {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
      },
    });
    q.add('k');
    await waitFor(() => calls === 2 && q.inFlight === 0);
    assert.equal(q.numRequeues('k'), 0);
    q.shutDown();
    await running;
  });

  it('requeues a key after requeueAfterMs', async () => {
    const q = new WorkQueue();
    let calls = 0;
    const running = runWorkers(q, {
      workers: 1,
      maxRetries: 0,
      process: async () => {
        calls++;
        return calls === 1 ? { requeueAfterMs: 5 } : {};
      },
    });
    q.add('k');
    await waitFor(() => calls === 2);
    q.shutDown();
    await running;
    assert.equal(calls, 2);
  });
});

describe('ExponentialBackoff', () => {
  it('doubles per failure up to the maximum', () => {
    const b = new ExponentialBackoff(100, 500);
    assert.deepEqual([b.when('a'), b.when('a'), b.when('a'), b.when('a')], [100, 200, 400, 500]);
  });

  it('fails if base is not positive', () => {
    assert.throws(() => new ExponentialBackoff(0, 10), /RangeError|backoff needs/);
  });
});

describe('backoffDelay', () => {
  it('stays within the jitter band and the maximum', () => {
    const opts = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 };
    assert.equal(backoffDelay(0, opts, () => 0), 800);
    assert.equal(backoffDelay(0, opts, () => 1), 1200);
    assert.equal(backoffDelay(10, opts, () => 0.5), 30_000);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at qps', () => {
    let now = 0;
    const bucket = new TokenBucket({ qps: 2, burst: 3, now: () => now });
    assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false]);
    now += 500;
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), false);
  });

  it('take waits for the next token', async () => {
    const bucket = new TokenBucket({ qps: 200, burst: 1 });
    await bucket.take();
    assert.equal(bucket.tryTake(), false);
    await bucket.take();
    bucket.close();
  });

  it('close releases waiters', async () => {
    const bucket = new TokenBucket({ qps: 0.001, burst: 1 });
    await bucket.take();
    const waiting = bucket.take();
    bucket.close();
    await waiting;
  });

  it('fails if qps is not positive', () => {
    assert.throws(() => new TokenBucket({ qps: 0, burst: 1 }), /qps > 0/);
  });
});
