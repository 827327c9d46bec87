/** Timing helpers for the benchmarks: medians over interleaved rounds, so drift hits every contender alike. */
import { performance } from "node:perf_hooks";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface Contender {
  name: string;
  run: () => Promise<unknown>;
  /** Around each block of runs: for contenders that patch globals (nock, Polly). */
  enter?: () => void;
  exit?: () => void;
}

/**
 * Times each contender `perRound` times per round, rounds interleaved, after a
 * warm-up; returns every sample in milliseconds per contender. Each round starts with
 * the next contender (round r runs them from the r-th on), so none always runs first,
 * right after the warm-up or after the same neighbour.
 */
export async function race(
  contenders: readonly Contender[],
  { rounds = 5, perRound = 200, warmup = 100 } = {},
): Promise<Map<string, number[]>> {
  const samples = new Map(contenders.map((contender) => [contender.name, [] as number[]]));
  for (const contender of contenders) {
    contender.enter?.();
    for (let i = 0; i < warmup; i++) await contender.run();
    contender.exit?.();
  }
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotated(contenders, round)) {
      const times = samples.get(contender.name) as number[];
      contender.enter?.();
      for (let i = 0; i < perRound; i++) {
        const start = performance.now();
        await contender.run();
        times.push(performance.now() - start);
      }
      contender.exit?.();
    }
  }
  return samples;
}

/** The items from the `by`-th on, then those before it. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const start = items.length ? by % items.length : 0;
  return [...items.slice(start), ...items.slice(0, start)];
}

export function formatMs(value: number): string {
  return `${value.toFixed(3)} ms`;
}

/** Prints rows as an aligned table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
