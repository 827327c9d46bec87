/**
 * The recordings CLI on thousands of files: 3,000 recordings in one folder, each command
 * run in this process over the folder, wall time, median of three runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { hashCommand, listCommand, type Output, replayCommand } from "../recorder/cli/commands.ts";
import { verifyCommand } from "../recorder/cli/verify.ts";
import { inferenceRequestHash } from "../recorder/hashing/request-hash.ts";
import { serializeRecording } from "../recorder/storage/recording-file.ts";
import type { BenchResult } from "./recorder.bench.ts";
import { median, table } from "./stats.ts";

const COUNT = 3000;

function folderOfRecordings(): string {
  const root = mkdtempSync(join(tmpdir(), "bench-cli-"));
  const folder = join(root, "responses");
  mkdirSync(folder);
  for (let index = 0; index < COUNT; index++) {
    const testId = `tests/integration/responses/bench.spec.ts::case ${index}[stack=local]`;
    const url = "https://api.openai.com/v1/v1/chat/completions";
    const body = {
      model: "gpt-4o",
      messages: [{ role: "user", content: `question ${index}` }],
      stream: true,
    };
    const hash = inferenceRequestHash({ method: "POST", url, body, testId });
    const chunk = (content: string, finish: string | null) => ({
      __type__: "openai.types.chat.chat_completion_chunk.ChatCompletionChunk",
      __data__: {
        id: `rec-${hash.slice(0, 12)}`,
        object: "chat.completion.chunk",
        created: 0,
        model: "gpt-4o",
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      },
    });
    const recording = {
      test_id: testId,
      request: { method: "POST", url, headers: {}, body, endpoint: "/v1/chat/completions", model: "gpt-4o" },
      response: {
        body: [chunk("The answer ", null), chunk(`is ${index}.`, null), chunk("", "stop")],
        is_streaming: true,
      },
    };
    writeFileSync(join(folder, `${hash}.json`), serializeRecording(recording));
  }
  return root;
}

export async function benchCli(): Promise<BenchResult> {
  const root = folderOfRecordings();
  const quiet: Output = { print: () => {}, warn: () => {} };
  const commands: Array<[string, () => Promise<number>, number]> = [
    ["hash", () => hashCommand([root], quiet, { hashScheme: "ogx-0.8" }), 5_000],
    ["verify", () => verifyCommand([root], quiet, { hashScheme: "ogx-0.8" }), 5_000],
    ["list", () => listCommand([root], undefined, quiet), 5_000],
    ["replay", () => replayCommand([root], quiet, { hashScheme: "ogx-0.8" }), 15_000],
  ];
  const rows: string[][] = [];
  const checks: BenchResult["checks"] = [];
  for (const [name, run, limit] of commands) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const code = await run();
      times.push(performance.now() - start);
      if (code !== 0) throw new Error(`recordings ${name} failed on the bench folder`);
    }
    const value = median(times);
    rows.push([name, `${(value / 1000).toFixed(2)} s`, `${((value / COUNT) * 1000).toFixed(0)} µs`]);
    checks.push({
      target: `${name} over ${COUNT} files in ≤ ${limit / 1000} s (${(value / 1000).toFixed(2)} s)`,
      ok: value <= limit,
    });
  }
  rmSync(root, { recursive: true, force: true });
  return {
    title: `Recordings CLI: ${COUNT.toLocaleString("en")} streamed chat recordings in one folder (median of 3 runs)`,
    lines: [table(["command", "wall time", "per file"], rows)],
    checks,
  };
}
