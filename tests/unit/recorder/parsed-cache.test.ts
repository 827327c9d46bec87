/**
 * Replay keeps each file it read parsed and framed while the file is unchanged: the same
 * bytes every time, and a file rewritten (by the recorder's rename, or in place) is read
 * again.
 */
import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createRecorder } from "../../../recorder/index.ts";
import { writeRecordingFile } from "../../../recorder/storage/recording-file.ts";
import { recordingDirWithSeed, SEED_HASH, seed, temporaryRecordingDir } from "./support/fixtures.ts";

const CHAT = "https://api.openai.com/v1/v1/chat/completions";

/** As committed files are: last changed a minute ago, which the cache requires. */
function settle(file: string): void {
  const past = new Date(Date.now() - 60_000);
  utimesSync(file, past, past);
}

function replayer(root: string) {
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  return () =>
    recorder.withTestId(seed().test_id, async () =>
      (await recorder.fetch(CHAT, { method: "POST", body: JSON.stringify(seed().request.body) })).text(),
    );
}

test("a settled file replays the same bytes from memory as it did from disk", async () => {
  const root = recordingDirWithSeed();
  settle(join(root, "responses", `${SEED_HASH}.json`));
  const fresh = await replayer(root)();
  const replay = replayer(root);
  const answers = [await replay(), await replay(), await replay()];
  expect(answers).toEqual([fresh, fresh, fresh]);
  expect(fresh).toContain("get_weather");
});

test("a file rewritten by the recorder's rename, or in place, is read again", async () => {
  const root = recordingDirWithSeed();
  const file = join(root, "responses", `${SEED_HASH}.json`);
  settle(file);
  const replay = replayer(root);
  expect(await replay()).toContain("get_weather");

  const renamed = seed();
  renamed.response.body = renamed.response.body.map((chunk) =>
    JSON.parse(JSON.stringify(chunk).replaceAll("get_weather", "get_forecast")),
  );
  writeRecordingFile(file, renamed as unknown as Parameters<typeof writeRecordingFile>[1]);
  settle(file);
  const afterRename = await replay();
  expect(afterRename).toContain("get_forecast");
  expect(afterRename).not.toContain("get_weather");

  writeFileSync(file, readFileSync(file, "utf8").replaceAll("get_forecast", "get_climate"));
  settle(file);
  expect(await replay()).toContain("get_climate");
});

test("a replayed tool result may be changed by its caller: the next replay is as recorded", async () => {
  const root = temporaryRecordingDir();
  const testId = "tests/integration/responses/tools.spec.ts::search[stack=local-txt=m]";
  const kwargs = { query: "llamas" };
  const recorded = { results: [{ title: "Llamas", score: 0.9 }] };
  const recording = createRecorder({ mode: "record", recordingDir: root, env: {} });
  await recording.withTestId(testId, () =>
    recording.invokeTool("tavily", "web_search", kwargs, async () => recorded),
  );
  for (const name of readdirSync(join(root, "responses"))) settle(join(root, "responses", name));
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const search = () =>
    recorder.withTestId(testId, () =>
      recorder.invokeTool<typeof recorded>("tavily", "web_search", kwargs, async () => {
        throw new Error("replay must not search");
      }),
    );
  const first = await search();
  first.results.push({ title: "added by the caller", score: 0 });
  expect(await search()).toEqual(recorded);
});
