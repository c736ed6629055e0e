/**
 * A secondary index over a cache: index value (e.g. a Job's uid) → object keys (`namespace/name`).
 * Most values index one object or a few (a Job's pods): one key is held as it is and a few in an
 * array, not in a Set each, which would cost more than the keys themselves at 100,000 values.
 */
export class CacheIndex {
  private readonly byValue = new Map<string, string | string[]>();
  private readonly valueOf = new Map<string, string>();

  /** Indexes `objectKey` under `value` (moving it if it was indexed under another value); undefined removes it. */
  set(objectKey: string, value: string | undefined): void {
    const previous = this.valueOf.get(objectKey);
    if (previous === value) return;
    if (previous !== undefined) this.remove(objectKey);
    if (value === undefined) return;
    this.valueOf.set(objectKey, value);
    const keys = this.byValue.get(value);
    if (keys === undefined) this.byValue.set(value, objectKey);
    else if (typeof keys === 'string') this.byValue.set(value, [keys, objectKey]);
    else keys.push(objectKey);
  }

  remove(objectKey: string): void {
    const value = this.valueOf.get(objectKey);
    if (value === undefined) return;
    this.valueOf.delete(objectKey);
    const keys = this.byValue.get(value);
    if (typeof keys === 'string' || keys === undefined) {
      this.byValue.delete(value);
      return;
    }
    const rest = keys.filter((k) => k !== objectKey);
    this.byValue.set(value, rest.length === 1 ? rest[0] : rest);
  }

  /** The object keys indexed under `value`. */
  keys(value: string): string[] {
    const keys = this.byValue.get(value);
    if (keys === undefined) return [];
    return typeof keys === 'string' ? [keys] : [...keys];
  }
}
