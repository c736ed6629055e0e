import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { AnswerBuffers } from '../../src/adapters/answer-buffers.ts';

/** `bytes` cut into chunks of the given sizes (the last chunk takes the rest). */
function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    chunks.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
    at += size;
  }
  if (at < bytes.length) chunks.push(bytes.subarray(at));
  return chunks;
}

describe('AnswerBuffers', () => {
  it('receives an answer of many chunks, past the first buffer size, byte for byte', () => {
    const answer = randomBytes(1_500_000);
    const receiver = new AnswerBuffers().lend();
    for (const chunk of chunked(answer, Array.from({ length: 100 }, (_, i) => 1 + ((i * 7919) % 16_384)))) receiver.append(chunk);
    assert.ok(receiver.bytes().equals(answer));
  });

  it('gives the next answer the buffer of the last one given back, and its bytes are the new answer only', () => {
    const buffers = new AnswerBuffers();
    const first = buffers.lend();
    first.append(randomBytes(600_000));
    const used = first.bytes().buffer;
    buffers.giveBack(first);
    assert.equal(buffers.held, 1);
    const second = buffers.lend();
    const answer = randomBytes(1000);
    second.append(answer);
    assert.equal(second.bytes().buffer, used, 'the same memory, not a new allocation');
    assert.ok(second.bytes().equals(answer));
    assert.equal(buffers.held, 0);
  });

  it('drops a chunk that arrives after its receiver was given back (an aborted request), so the next answer is untouched', () => {
    const buffers = new AnswerBuffers();
    const aborted = buffers.lend();
    aborted.append(Buffer.from('first page'));
    buffers.giveBack(aborted);
    const next = buffers.lend();
    next.append(Buffer.from('second'));
    aborted.append(Buffer.from('LATE CHUNK'));
    assert.equal(next.bytes().toString(), 'second');
    buffers.giveBack(aborted);
    assert.equal(buffers.held, 0, 'a receiver given back twice gives its buffer once');
  });

  it('keeps at most `keep` free buffers and none larger than `maxBytes`', () => {
    const buffers = new AnswerBuffers({ keep: 2, maxBytes: 1024 * 1024, idleMs: 60_000 });
    const receivers = [buffers.lend(), buffers.lend(), buffers.lend()];
    for (const r of receivers) buffers.giveBack(r);
    assert.equal(buffers.held, 2);
    buffers.clear();
    const large = buffers.lend();
    large.append(Buffer.alloc(2 * 1024 * 1024));
    buffers.giveBack(large);
    assert.equal(buffers.held, 0);
  });

  it('lets the free buffers go once no answer came back for `idleMs`', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const buffers = new AnswerBuffers({ keep: 4, maxBytes: 1024 * 1024, idleMs: 2000 });
      buffers.giveBack(buffers.lend());
      mock.timers.tick(1500);
      buffers.giveBack(buffers.lend());
      mock.timers.tick(1500);
      assert.equal(buffers.held, 1, 'each answer given back restarts the idle time');
      mock.timers.tick(600);
      assert.equal(buffers.held, 0);
    } finally {
      mock.timers.reset();
    }
  });
});
