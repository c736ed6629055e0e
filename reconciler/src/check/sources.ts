/**
 * Reads the inputs of `cdk8s-batch check`: files, directories (recursively, `*.yaml`,
 * `*.yml`, `*.json`) and `-` for stdin. Every input is size-capped and must be UTF-8 text;
 * anything unreadable becomes an `InputProblem` and the other inputs are still read.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { InputProblem } from './types.ts';

/** Largest input accepted, in bytes. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** File extensions picked up when walking a directory (files named explicitly are read whatever their name). */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** Display name of standard input. */
export const STDIN_NAME = '<stdin>';

export interface InputText {
  /** Display name: path relative to the working directory (or absolute when outside it), or `<stdin>`. */
  readonly file: string;
  /** Absolute path; `undefined` for stdin. */
  readonly absolutePath?: string;
  readonly text: string;
}

export interface ReadResult {
  /** Readable inputs and unusable ones, in the order given (directories: sorted by path). */
  readonly items: Array<InputText | InputProblem>;
}

/** Whether a read item is a usable input (else it is a problem). */
export function isInputText(item: InputText | InputProblem): item is InputText {
  return 'text' in item;
}

export interface ReadContext {
  readonly cwd: string;
  readonly stdin: Readable;
}

/** Reads every input in order; directories contribute their manifest files sorted by path. */
export async function readInputs(paths: readonly string[], ctx: ReadContext): Promise<ReadResult> {
  const result: ReadResult = { items: [] };
  let stdinRead = false;
  for (const p of paths) {
    if (p === '-') {
      if (stdinRead) result.items.push({ file: STDIN_NAME, message: 'stdin (-) given more than once; pass - once' });
      else await readStdin(ctx.stdin, result);
      stdinRead = true;
    } else {
      await readPath(resolve(ctx.cwd, p), p, ctx, result);
    }
  }
  return result;
}

async function readPath(absolute: string, given: string, ctx: ReadContext, result: ReadResult): Promise<void> {
  const display = displayName(absolute, ctx.cwd);
  let info;
  try {
    info = await stat(absolute);
  } catch (err) {
    result.items.push({ file: display, message: `cannot read ${JSON.stringify(given)}: ${fsReason(err)}; check the path` });
    return;
  }
  if (info.isDirectory()) {
    for (const file of await listManifests(absolute, result, display)) await readOne(file, ctx.cwd, result);
  } else {
    await readOne(absolute, ctx.cwd, result);
  }
}

/** Manifest files below `dir`, sorted; skips hidden directories, `node_modules` and symlink loops. */
async function listManifests(dir: string, result: ReadResult, display: string): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const real = await realpath(current).catch(() => current);
    if (seen.has(real)) continue;
    seen.add(real);
    try {
      await collectEntries(current, files, pending);
    } catch (err) {
      result.items.push({ file: display, message: `cannot list ${JSON.stringify(current)}: ${fsReason(err)}; check its permissions` });
    }
  }
  return files.sort();
}

async function collectEntries(dir: string, files: string[], pending: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
    if (isDir) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') pending.push(full);
    } else if (MANIFEST_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      files.push(full);
    }
  }
}

async function readOne(absolute: string, cwd: string, result: ReadResult): Promise<void> {
  const file = displayName(absolute, cwd);
  try {
    const info = await stat(absolute);
    if (!info.isFile()) {
      result.items.push({ file, message: 'is not a regular file; pass YAML or JSON files, directories or -' });
      return;
    }
    if (info.size > MAX_INPUT_BYTES) {
      result.items.push({ file, message: tooLarge(info.size) });
      return;
    }
    addText(file, await readFile(absolute), result, absolute);
  } catch (err) {
    result.items.push({ file, message: `cannot read: ${fsReason(err)}; check the path and its permissions` });
  }
}

/** Reads stdin whole; a stream that fails (a directory, a closed or unreadable descriptor) is a problem like an unreadable file. */
async function readStdin(stdin: Readable, result: ReadResult): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stdin) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > MAX_INPUT_BYTES) {
        result.items.push({ file: STDIN_NAME, message: tooLarge(size, 'more than ') });
        stdin.destroy();
        return;
      }
      chunks.push(buffer);
    }
  } catch (err) {
    result.items.push({ file: STDIN_NAME, message: `cannot read: ${fsReason(err)}; pipe or redirect a manifest file into it` });
    return;
  }
  addText(STDIN_NAME, Buffer.concat(chunks), result);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Accepts UTF-8 text only: binary data (NUL bytes) and other encodings get a clear problem. */
function addText(file: string, bytes: Buffer, result: ReadResult, absolutePath?: string): void {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    result.items.push({ file, message: `is binary data (NUL byte at offset ${nul}), not YAML or JSON; pass manifest files only` });
    return;
  }
  try {
    result.items.push({ file, absolutePath, text: UTF8.decode(bytes) });
  } catch {
    result.items.push({ file, message: 'is not valid UTF-8 text; save the manifest as UTF-8' });
  }
}

function tooLarge(size: number, prefix = ''): string {
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `is ${prefix}${mib(size)}, over the ${mib(MAX_INPUT_BYTES)} limit; split the manifests into smaller files`;
}

/** Path relative to the working directory with `/` separators, or the absolute path when outside it. */
export function displayName(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return absolute;
  return rel.split(sep).join('/');
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EBADF') return 'not open for reading (bad file descriptor)';
  return err instanceof Error ? err.message : String(err);
}
