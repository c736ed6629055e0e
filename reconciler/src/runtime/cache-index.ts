/** A secondary index over a cache: index value (e.g. a Job's uid) → object keys (`namespace/name`). */
export class CacheIndex {
  private readonly byValue = new Map<string, Set<string>>();
  private readonly valueOf = new Map<string, string>();

  /** Indexes `objectKey` under `value` (moving it if it was indexed under another value); undefined removes it. */
  set(objectKey: string, value: string | undefined): void {
    const previous = this.valueOf.get(objectKey);
    if (previous === value) return;
    if (previous !== undefined) this.remove(objectKey);
    if (value === undefined) return;
    this.valueOf.set(objectKey, value);
    let keys = this.byValue.get(value);
    if (!keys) this.byValue.set(value, (keys = new Set()));
    keys.add(objectKey);
  }

  remove(objectKey: string): void {
    const value = this.valueOf.get(objectKey);
    if (value === undefined) return;
    this.valueOf.delete(objectKey);
    const keys = this.byValue.get(value);
    keys?.delete(objectKey);
    if (keys?.size === 0) this.byValue.delete(value);
  }

  /** The object keys indexed under `value`. */
  keys(value: string): string[] {
    return [...(this.byValue.get(value) ?? [])];
  }
}
