/**
 * What tracing a test costs (bench/tracing/tracing.spec.ts, run in Playwright because steps
 * need a test): a client call plain against traced, a test's end with the journal only
 * against the transcript and manifest too, library and server, medians of interleaved rounds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./recorder.bench.ts";
import { formatMs, table } from "./stats.ts";

/** A replayed test's own time is tens of milliseconds; a millisecond more would show. */
const TARGET_MS = 1;

export async function benchTracing(): Promise<BenchResult> {
  const manifest = mkdtempSync(join(tmpdir(), "bench-tracing-"));
  let output = "";
  try {
    const run = spawnSync("npx", ["playwright", "test", "-c", "bench/tracing/playwright.config.ts"], {
      env: { ...process.env, STACK_TEST_RUN_MANIFEST: manifest, STACK_TEST_INFERENCE_MODE: "replay" },
      encoding: "utf8",
    });
    output = run.stdout;
    if (run.status !== 0) throw new Error(`The tracing bench failed:\n${run.stdout}\n${run.stderr}`);
  } finally {
    rmSync(manifest, { recursive: true, force: true });
  }
  const results = output
    .split("\n")
    .filter((line) => line.startsWith("BENCH "))
    .map((line) => JSON.parse(line.slice(6)) as { form: string; name: string; median: number });
  const at = (form: string, name: string) =>
    results.find((result) => result.form === form && result.name === name)?.median ?? Number.NaN;
  const rows: string[][] = [];
  const callExtras: number[] = [];
  const endExtras: number[] = [];
  for (const form of ["local", "server:local"]) {
    for (const [what, plain, traced] of [
      ["a client call", "create, plain", "create, traced"],
      ["a streamed call", "stream, plain", "stream, traced"],
      ["a test's end", "end of test, journal attached", "end of test, with transcript and manifest"],
    ] as const) {
      const before = at(form, plain);
      const after = at(form, traced);
      (what === "a test's end" ? endExtras : callExtras).push(after - before);
      rows.push([
        form,
        what,
        formatMs(before),
        formatMs(after),
        formatMs(after - before),
        `${(after / before).toFixed(2)}×`,
      ]);
    }
  }
  const perCall = callExtras.reduce((sum, extra) => sum + extra, 0) / callExtras.length;
  const perEnd = Math.max(...endExtras);
  return {
    title:
      "What tracing costs a replayed test: steps, journal, transcript, manifest (medians, Playwright, one worker)",
    lines: [table(["stack", "what", "without", "with", "extra", "ratio"], rows)],
    checks: [
      {
        target: `tracing adds under ${TARGET_MS} ms to a client call, on average over both forms (${formatMs(perCall)})`,
        ok: perCall < TARGET_MS,
      },
      {
        target: `a test's transcript and manifest entry add under ${TARGET_MS / 2} ms to its end (${formatMs(perEnd)})`,
        ok: perEnd < TARGET_MS / 2,
      },
    ],
  };
}
