/** The shape of the generated schema data (`data.ts`, written by `scripts/extract-schemas.ts`). */
export interface SchemaData {
  /**
   * Struct definitions, each stored once: id → field name → type reference (`s` string, `b` bool,
   * `i32`/`i64` integers, `n` number, `q` Quantity, `ios` IntOrString, `t` Time, `any`, `[]X` list,
   * `{}X` map, anything else a struct name looked up in the version's table).
   */
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per Kubernetes minor version: struct name (e.g. `core.v1.Container`) → id in `types`. */
  readonly versions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
