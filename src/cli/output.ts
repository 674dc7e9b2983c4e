// How CLI commands speak: JSON on stdout for scripts, tables for people, and
// errors as one line on stderr.
import { Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  isTty: boolean;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, isTty: Boolean(process.stdout.isTTY) };

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: Io, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** A plain, aligned text table. Cells are cut to `maxWidth` characters. */
export function printTable(
  io: Io,
  headers: string[],
  rows: (string | number | null | undefined)[][],
  maxWidth = 60,
): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => oneLine(c == null ? '' : String(c), maxWidth)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const render = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  printLine(io, render(cells[0]!));
  printLine(io, render(widths.map((w) => '-'.repeat(w))));
  for (const r of cells.slice(1)) printLine(io, render(r));
}

function oneLine(text: string, maxWidth: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
}
