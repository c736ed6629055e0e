/**
 * Buffers that list answers are received into, reused from page to page. A list of 300,000 pods
 * comes in 600 pages of about 1.5 MB (protobuf), each in some hundred chunks of up to 16 KB;
 * collected as chunks and concatenated, every page leaves its chunks and its copy to the garbage
 * collector, and those that lived through two young-generation collections (a page arrives
 * while other pages are decoded) stay outside the V8 heap until the next full collection, which
 * with a heap of a few hundred MB can be minutes away. Received here, each chunk is copied into
 * a buffer that the next page uses again, and is garbage as soon as it arrived.
 *
 * A `Receiver` is lent for one answer and given back once the answer was read (decoded, or
 * turned into a string): its bytes are then another answer's. A chunk that arrives after the
 * receiver was given back (an aborted request) is dropped. The free buffers are let go when no
 * answer was received for `idleMs`, so that a client between lists holds none.
 */

/** The size a new buffer starts at; it doubles while an answer needs more. */
const INITIAL_BYTES = 256 * 1024;

export class Receiver {
  private length = 0;
  private given = false;

  constructor(private buffer: Buffer) {}

  /** Appends a chunk of the answer (ignored once the receiver was given back). */
  append(chunk: Buffer): void {
    if (this.given) return;
    if (this.length + chunk.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + chunk.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  /** The bytes received so far: valid until the receiver is given back. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Ends the loan: returns the buffer for the next answer; later chunks are dropped. */
  giveBack(): Buffer | undefined {
    if (this.given) return undefined;
    this.given = true;
    return this.buffer;
  }
}

export class AnswerBuffers {
  private free: Buffer[] = [];
  private idleTimer?: NodeJS.Timeout;

  /**
   * `keep`: at most this many free buffers are held (one per list running at the same time is
   * enough); `maxBytes`: a larger buffer (a rare, large answer) is not kept; `idleMs`: the free
   * buffers are let go this long after the last one came back.
   */
  constructor(private readonly options: { keep: number; maxBytes: number; idleMs: number } = { keep: 4, maxBytes: 16 * 1024 * 1024, idleMs: 2000 }) {}

  /** A receiver for one answer, on a free buffer when there is one. */
  lend(): Receiver {
    return new Receiver(this.free.pop() ?? Buffer.allocUnsafe(INITIAL_BYTES));
  }

  /** Takes the receiver's buffer back (once; a receiver given back twice gives nothing). */
  giveBack(receiver: Receiver): void {
    const buffer = receiver.giveBack();
    if (!buffer || buffer.length > this.options.maxBytes || this.free.length >= this.options.keep) return;
    this.free.push(buffer);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.clear(), this.options.idleMs);
    this.idleTimer.unref();
  }

  /** How many free buffers are held. */
  get held(): number {
    return this.free.length;
  }

  /** Lets every free buffer go. */
  clear(): void {
    clearTimeout(this.idleTimer);
    this.free = [];
  }
}
