import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { createRecorder } from "../../../recorder/index.ts";
import { allFiles } from "./support/files.ts";
import { SEED_FILE, SEED_HASH, temporaryRecordingDir } from "./support/fixtures.ts";
import { chatCompletion, embeddingsResponse, embeddingVectors } from "./support/upstream-data.ts";

const CLI = new URL("../../../recorder/cli/main.ts", import.meta.url).pathname;
const TEST_ID = "tests/integration/responses/cli.spec.ts::cli fixtures[stack=local]";

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8" });
  return {
    code: result.status,
    out: result.stdout,
    err: result.stderr,
    lines: result.stdout.trim().split("\n"),
  };
}

/** A folder with the seed, a tool recording and an embeddings recording, made by the recorder itself. */
async function populatedFolder(): Promise<string> {
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "responses"));
  copyFileSync(SEED_FILE, join(root, "responses", `${SEED_HASH}.json`));
  const upstream = async (input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body));
    if (String(input).endsWith("/embeddings"))
      return Response.json(embeddingsResponse(embeddingVectors(3, 8), body.encoding_format));
    return Response.json(chatCompletion("Earth."));
  };
  const recorder = createRecorder({ mode: "record", recordingDir: root, upstream });
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: recorder.fetch });
  await recorder.withTestId(TEST_ID, async () => {
    await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b", "c"] });
    await client.chat.completions.create({ model: "m-1", messages: [{ role: "user", content: "Where?" }] });
    await recorder.invokeTool("tavily", "web_search", { query: "q" }, async () => ({ results: ["r1"] }));
  });
  return root;
}

test("hash prints each file's hash recomputed from its request", () => {
  const { code, out } = cli("hash", SEED_FILE);
  expect(code).toBe(0);
  expect(out).toBe(`${SEED_HASH} ${SEED_FILE}\n`);
});

test("replay prints what the openai SDK reconstructs, one JSON line per file", async () => {
  const root = await populatedFolder();
  const files = allFiles(root).map((file) => join(root, file));
  const { code, lines } = cli("replay", ...files);
  expect(code).toBe(0);
  const results = lines.map((line) => JSON.parse(line));
  const seedLine = results.find((result) => result.file.endsWith(`${SEED_HASH}.json`));
  expect(seedLine).toEqual({
    file: join(root, "responses", `${SEED_HASH}.json`),
    content: null,
    tool_calls: [
      {
        id: "call_VeQ0JBvrjUPMx6FVQliYseD6",
        name: "get_weather",
        arguments: '{"location": "San Francisco, USA"}',
      },
      {
        id: "call_vEJqxX6A5y5ITfKlklzI3ia9",
        name: "get_weather",
        arguments: '{"location": "Los Angeles, USA"}',
      },
    ],
    finish_reason: "tool_calls",
  });
  expect(results).toContainEqual(expect.objectContaining({ count: 3, dims: 8 }));
  expect(results).toContainEqual(
    expect.objectContaining({ content: "Earth.", tool_calls: [], finish_reason: "stop" }),
  );
  expect(results).toContainEqual(expect.objectContaining({ body: { results: ["r1"] } }));
});

test("verify passes a good folder and lists every bad file", async () => {
  const root = await populatedFolder();
  expect(cli("verify", root).code).toBe(0);
  const [first, second] = allFiles(root).filter((file) => !file.includes(SEED_HASH));
  renameSync(join(root, first ?? ""), join(root, "responses", `${"0".repeat(64)}.json`));
  writeFileSync(join(root, second ?? ""), "{ not json");
  writeFileSync(join(root, "responses", `.${SEED_HASH}.json.123.abcd.tmp`), "{");
  const { code, lines } = cli("verify", root);
  expect(code).toBe(1);
  expect(lines).toEqual([
    expect.stringMatching(
      new RegExp(`^BAD .*/\\.${SEED_HASH}\\.json\\.123\\.abcd\\.tmp: left over from an interrupted write`),
    ),
    expect.stringMatching(
      /^BAD .*\/0{64}\.json: its request hashes to [0-9a-f]{64}, not to the hash in its name$/,
    ),
    expect.stringMatching(/^BAD .*\.json: is not valid JSON/),
    `2 of 5 recordings verified in ${root}`,
    "named by: 2 both schemes (the same hash)",
  ]);
});

test("list, show and prune find recordings by test and hash", async () => {
  const root = await populatedFolder();
  const list = cli("list", "--dir", root, "--test", "cli fixtures");
  expect(list.lines).toHaveLength(3);
  expect(list.lines.every((line) => line.endsWith(TEST_ID))).toBe(true);
  expect(list.lines.some((line) => / responses {2}tool tavily\.web_search {2}/.test(line))).toBe(true);

  const show = cli("show", "--dir", root, SEED_HASH.slice(0, 8));
  expect(show.code).toBe(0);
  expect(show.out).toContain("request:  POST /v1/chat/completions gpt-4o");
  expect(show.out).toContain("response: stream of 18 chunks");
  expect(cli("show", "--dir", root, "abcdef").code).toBe(1);

  const known = join(root, "known-tests.txt");
  writeFileSync(known, `${TEST_ID.replace(/\[.*$/, "")}[stack=server-txt=other]\n`);
  const dryRun = cli("prune", "--dir", root, "--known", known);
  expect(dryRun.lines).toEqual([
    expect.stringMatching(
      new RegExp(
        `^would remove .*${SEED_HASH}\\.json {2}\\(tests/integration/responses/test_tool_responses\\.py::`,
      ),
    ),
    "1 recordings belong to tests that no longer exist; run with --apply to remove them",
  ]);
  expect(allFiles(root)).toHaveLength(5);
  cli("prune", "--dir", root, "--known", known, "--apply");
  expect(
    allFiles(root).filter((file) => file.endsWith(".json") && file.startsWith("responses/")),
  ).toHaveLength(3);

  // Once the test is gone too, its own recordings go; the tool recording, shared by hash, stays.
  writeFileSync(known, "tests/integration/responses/cli.spec.ts::some other test\n");
  cli("prune", "--dir", root, "--known", known, "--apply");
  expect(allFiles(root).filter((file) => file.startsWith("responses/"))).toEqual([
    expect.stringMatching(/^responses\/[0-9a-f]{64}\.json$/),
  ]);
  expect(cli("list", "--dir", root).lines).toEqual([expect.stringContaining("tool tavily.web_search")]);
});

test("prune, by default, asks Playwright which tests exist and keeps every committed recording", () => {
  const root = temporaryRecordingDir();
  cpSync(new URL("../../../recordings", import.meta.url).pathname, root, { recursive: true });
  const stale = join(root, "responses", `${"ab".repeat(32)}.json`);
  const committed = allFiles(root).find((file) => file.endsWith(".json")) ?? "";
  const recording = JSON.parse(readFileSync(join(root, committed), "utf8"));
  recording.test_id =
    "tests/integration/responses/basic.spec.ts::a test since deleted[stack=local-txt=scripted/assistant]";
  writeFileSync(stale, JSON.stringify(recording));
  const { code, lines } = cli("prune", "--dir", root);
  expect(code).toBe(0);
  expect(lines).toEqual([
    `would remove ${stale}  (${recording.test_id})`,
    "1 recordings belong to tests that no longer exist; run with --apply to remove them",
  ]);
});

test("normalize re-applies id and timestamp normalization and leaves normalized files alone", async () => {
  const root = await populatedFolder();
  // The seed lacks the final newline Llama Stack writes today, but it is Llama Stack's: kept as it is.
  expect(cli("normalize", "--dir", root).lines).toEqual([
    "0 recordings rewritten; 1 made by Llama Stack left as they are",
  ]);
  const chatFile = allFiles(root)
    .map((file) => join(root, file))
    .find((file) => readFileSync(file, "utf8").includes('chat.completion"'));
  const original = readFileSync(chatFile ?? "", "utf8");
  writeFileSync(
    chatFile ?? "",
    original
      .replace(/"id": "rec-[0-9a-f]{12}"/, '"id": "chatcmpl-raw"')
      .replace('"created": 0', '"created": 1764000000'),
  );
  const { lines } = cli("normalize", "--dir", root);
  expect(lines).toEqual([
    `normalized ${chatFile}`,
    "1 recordings rewritten; 1 made by Llama Stack left as they are",
  ]);
  expect(readFileSync(chatFile ?? "", "utf8")).toBe(original);
});

test("an unknown command prints the usage and fails", () => {
  const { code, err } = cli("frobnicate");
  expect(code).toBe(1);
  expect(err).toContain('recordings: unknown command "frobnicate"');
  expect(err).toContain("Usage: npm run recordings -- <command>");
});
