/**
 * What the two hash schemes cost on the replay path: the recorder now (ogx-0.8 by default,
 * the other scheme's lookup present for a miss) against the recorder as it was before the
 * schemes, loaded from git into the same process, replaying the seed's 18-chunk stream
 * through the openai SDK. The seed's file is named by its hash, as it is under both schemes.
 */
import { readFileSync, rmSync } from "node:fs";
import OpenAI from "openai";
import { createRecorder, type FetchLike } from "../recorder/index.ts";
import { recorderAt } from "./git-recorder.ts";
import { type BenchResult, consume, folderWithSeed, SEED_FILE } from "./recorder.bench.ts";
import { formatMs, median, race, table } from "./stats.ts";

/** The last commit before the two hash schemes and their fallback lookup. */
const BEFORE_SCHEMES = "4b4e3fe642d5eff0071d9dceb8a130dfb006e258";
export async function benchHashSchemes(): Promise<BenchResult> {
  const seedText = readFileSync(SEED_FILE, "utf8");
  const seed = JSON.parse(seedText) as {
    test_id: string;
    request: { body: OpenAI.ChatCompletionCreateParamsStreaming };
  };
  const title =
    "Hash schemes: replay with the fallback lookup present, against the recorder before it (median per request)";
  const before = await recorderAt(BEFORE_SCHEMES);
  if (typeof before === "string") {
    return {
      title,
      lines: [`no baseline: ${before}`],
      checks: [{ target: "a baseline to compare with", ok: false }],
    };
  }
  const root = folderWithSeed(10, seedText);
  const sdk = (fetch: FetchLike) =>
    new OpenAI({ apiKey: "sk-bench", baseURL: "https://api.openai.com/v1/v1", maxRetries: 0, fetch });
  const old = before.createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const now = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const legacy = createRecorder({
    mode: "replay",
    recordingDir: root,
    env: {},
    hashScheme: "llama-stack-0.2",
  });
  const body = seed.request.body;
  const names = {
    before: `recorder before the schemes (${BEFORE_SCHEMES.slice(0, 7)}, baseline)`,
    now: "recorder now: ogx-0.8, fallback present",
    legacy: "recorder now: llama-stack-0.2 active",
  };
  const samples = await race(
    [
      { name: names.before, run: () => old.withTestId(seed.test_id, () => consume(sdk(old.fetch), body)) },
      { name: names.now, run: () => now.withTestId(seed.test_id, () => consume(sdk(now.fetch), body)) },
      {
        name: names.legacy,
        run: () => legacy.withTestId(seed.test_id, () => consume(sdk(legacy.fetch), body)),
      },
    ],
    { rounds: 20, perRound: 50, warmup: 200 },
  );
  rmSync(root, { recursive: true, force: true });
  const medians = new Map([...samples].map(([name, times]) => [name, median(times)]));
  const baseline = medians.get(names.before) ?? Number.NaN;
  const ratio = (medians.get(names.now) ?? Number.NaN) / baseline;
  return {
    title,
    lines: [
      table(
        ["recorder", "median", "÷ baseline"],
        [...medians].map(([name, value]) => [name, formatMs(value), `${(value / baseline).toFixed(3)}×`]),
      ),
    ],
    checks: [
      {
        target: `replay with the fallback lookup present stays within 5 % of before (${ratio.toFixed(3)}×)`,
        ok: ratio <= 1.05,
      },
    ],
  };
}
