/**
 * OGX 0.8 (Llama Stack renamed): its hash scheme beside Llama Stack 0.2's, every kind of
 * file it writes, and its provider-data header. The fixtures in tests/unit/fixtures/ogx-0.8/
 * are written in OGX's shapes, as its recorder writes them (`src/ogx/testing/api_recorder.py`).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { checkName } from "../../../recorder/hashing/recording-hash.ts";
import {
  createRecorder,
  type FetchLike,
  RecordingStore,
  readRecordingFile,
  testIdFromHeaders,
  testIdHeaders,
} from "../../../recorder/index.ts";
import type { FoundRecording } from "../../../recorder/storage/recording-store.ts";
import { allFiles, readJson } from "./support/files.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";
import { chatCompletion } from "./support/upstream-data.ts";

const FIXTURES = new URL("../fixtures/ogx-0.8/", import.meta.url).pathname;
const CLI = new URL("../../../recorder/cli/main.ts", import.meta.url).pathname;
const T =
  "tests/integration/responses/test_basic_responses.py::test_response_non_streaming_basic[openai_client-txt=openai/gpt-4o-earth]";
const FILE = {
  chat: "99c7a97504a4f650f5cabfc00f61f82d59f2fddea552540760c4063519598188.json",
  fileSearch: "2c33e1860c93d6e9fc8747eb6e3c3a74956dec4aca48cc3a4a7ece54644d0d93.json",
  badRequest: "8a1d7c942dbc0c7593de2ff82cb82b213176d494d6b62f3719cfba1efa3f641e.json",
  builtin: "7de7aafc8b9799d2d342c7b7b4c3033a8339c124b3795ae16ef65f1aa5f0155c.json",
  legacy: "d5f1f2af9f4ae178e0f5d83738f9b1e2129e47b309cda4f1e4d2cbc317dcf7f4.json",
  streamFailed: "7e049f20fd7643ec9897ddaa0715fa40ee2cf1da76de5cc0f47e1e9cb6ebdc3e.json",
  rerank: "c23da62d5c017b16c6514d15204672260d755eb192b2ab7a1d145c6a9754d0e6.json",
  messagesStream: "f08f8420bb81afc348f0b036217ea4edc94c83523c345e9b6c93dbc551e7ab40.json",
  tool: "84a6025fc558e2e082dc14da34ec36cc2b43a8a4e5ecd46690b446ccb278bc9a.json",
  noTestId: "fe42b585a0af9debb390dabc5b75e6d85f7e97ceccc53e6d2036d5eef3ac20e1.json",
  models: "models-d44e90ca8f8fc306a3fd22d6e517fbf5d6db3fe58516a6975332dde3244fcef8-e781efd3.json",
  fileProcessor: `${"5".repeat(64)}.json`,
};

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8" });
  return { code: result.status, lines: result.stdout.trim().split("\n"), err: result.stderr };
}

/** The fixtures as a recordings folder: `responses/` for the test's files, `common/` for the one outside any test. */
function fixtureFolder(): string {
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "responses"));
  mkdirSync(join(root, "common"));
  for (const name of readdirSync(FIXTURES)) {
    cpSync(join(FIXTURES, name), join(root, name === FILE.noTestId ? "common" : "responses", name));
  }
  return root;
}

const noNetwork: FetchLike = async () => {
  throw new Error("replay must not reach the network");
};

function sdk(fetch: FetchLike): OpenAI {
  return new OpenAI({ apiKey: "replay", baseURL: "https://api.openai.com/v1/v1", fetch, maxRetries: 0 });
}

test("every kind of file OGX 0.8 writes is read and validated; file processors are listed as such, not errors", () => {
  const { code, lines } = cli("verify", FIXTURES);
  expect(code).toBe(0);
  expect(lines).toEqual([
    `WARN ${join(FIXTURES, FILE.fileProcessor)}: an OGX file-processor recording: OGX no longer hashes, records or replays these (it runs the processor), and nothing here replays it; keep it for reference or delete it`,
    `12 of 12 recordings verified in ${FIXTURES}, 1 with warnings`,
    // The file_search call is named by OGX's hash, which differs from Llama Stack 0.2's.
    "named by: 1 ogx-0.8, 10 both schemes (the same hash)",
  ]);
  for (const name of Object.values(FILE)) {
    const recording = readRecordingFile(join(FIXTURES, name));
    expect(recording, name).toBeDefined();
  }
  expect(cli("hash", join(FIXTURES, FILE.fileProcessor)).lines).toEqual([
    `- ${join(FIXTURES, FILE.fileProcessor)} (a file-processor recording: OGX no longer hashes or replays these)`,
  ]);
});

test("replay answers every file through the SDK, errors as the error classes OGX recorded", () => {
  const { code, lines } = cli("replay", FIXTURES);
  expect(code).toBe(0);
  const byFile = new Map(
    lines.map((line) => {
      const { file, ...rest } = JSON.parse(line);
      return [String(file).replace(FIXTURES, ""), rest];
    }),
  );
  expect(byFile.get(FILE.chat)).toEqual({
    content: "Humans live on Earth.",
    tool_calls: [],
    finish_reason: "stop",
  });
  expect(byFile.get(FILE.fileSearch)).toMatchObject({ content: "Sales grew in Q1." });
  expect(byFile.get(FILE.badRequest)).toEqual({
    api_error: {
      class: "BadRequestError",
      status: 400,
      message: "400 Invalid 'messages[0].content': string too long.",
    },
  });
  expect(byFile.get(FILE.builtin)).toEqual({
    api_error: { raised: "Model gpt-4o is not served by this provider" },
  });
  expect(byFile.get(FILE.legacy)).toEqual({ api_error: { raised: "Connection reset by peer" } });
  expect(byFile.get(FILE.streamFailed)).toEqual({
    content: "Partial",
    api_error: { class: "APIError", message: "The server had an error" },
  });
  expect(byFile.get(FILE.rerank)).toEqual({
    status: 200,
    body: {
      rankings: [
        { index: 0, logit: 4.25 },
        { index: 1, logit: -7.5 },
      ],
    },
  });
  expect(byFile.get(FILE.messagesStream)).toEqual({ status: 200, lines: 6 });
  expect(byFile.get(FILE.tool)?.body).toMatchObject({
    error_code: null,
    content: expect.stringContaining("128 experts"),
  });
  expect(byFile.get(FILE.noTestId)).toMatchObject({ content: "Hi." });
  expect(byFile.get(FILE.models)).toEqual({ models: ["gpt-4o", "text-embedding-3-small"] });
  expect(byFile.get(FILE.fileProcessor)).toEqual({
    skipped: "a file-processor recording: OGX no longer records or replays these",
  });
});

test("a recorded OGX error raises the same SDK error class, with the same status and body, through the recorder", async () => {
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: fixtureFolder(),
    upstream: noNetwork,
    env: {},
  });
  const error = await recorder.withTestId(T, () =>
    sdk(recorder.fetch)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "too long" }] })
      .catch((caught: unknown) => caught),
  );
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  const recorded = readJson(join(FIXTURES, FILE.badRequest)).response as {
    exception_data: { body: unknown };
  };
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual(recorded.exception_data.body);
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("string_above_max_length");
});

test("raw HTTP requests replay with their status and JSON, or their lines; a file without test_id answers outside any test", async () => {
  const recorder = createRecorder({
    mode: "replay",
    recordingDir: fixtureFolder(),
    upstream: noNetwork,
    env: {},
  });
  const rerank = readJson(join(FIXTURES, FILE.rerank)).request as { payload: unknown };
  const answer = await recorder.withTestId(T, () =>
    recorder.fetch("http://localhost:8000/v1/rerank", {
      method: "POST",
      body: JSON.stringify(rerank.payload),
    }),
  );
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({
    rankings: [
      { index: 0, logit: 4.25 },
      { index: 1, logit: -7.5 },
    ],
  });
  const messages = readJson(join(FIXTURES, FILE.messagesStream)).request as { payload: unknown };
  const stream = await recorder.withTestId(T, () =>
    recorder.fetch("http://localhost:11434/v1/messages", {
      method: "POST",
      body: JSON.stringify(messages.payload),
    }),
  );
  expect(await stream.text()).toContain('event: content_block_delta\ndata: {"type": "content_block_delta"');
  // No test context: the call outside any test, answered from common/.
  const outside = await sdk(recorder.fetch).chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "Say hi outside any test" }],
  });
  expect(outside.choices[0]?.message.content).toBe("Hi.");
});

test("under ogx-0.8 a raw HTTP request is recorded in OGX's shape; under llama-stack-0.2 as an inference call", async () => {
  const upstream: FetchLike = async () => Response.json({ rankings: [{ index: 0, logit: 1.5 }] });
  for (const hashScheme of ["ogx-0.8", "llama-stack-0.2"] as const) {
    const root = temporaryRecordingDir();
    const recorder = createRecorder({ mode: "record", recordingDir: root, upstream, env: {}, hashScheme });
    const payload = { model: "rerank", query: { text: "q" }, passages: [{ text: "a" }] };
    await recorder.withTestId(T, () =>
      recorder.fetch("http://localhost:8000/v1/rerank", { method: "POST", body: JSON.stringify(payload) }),
    );
    const [file = ""] = allFiles(root);
    const recording = readJson(join(root, file));
    if (hashScheme === "ogx-0.8") {
      expect(recording.request).toEqual({
        test_id: T,
        url: "http://localhost:8000/v1/rerank",
        method: "POST",
        payload,
      });
      expect(recording.response).toEqual({
        status: 200,
        body: { rankings: [{ index: 0, logit: 1.5 }] },
        is_streaming: false,
      });
    } else {
      expect(recording.request).toMatchObject({ endpoint: "/v1/rerank", body: payload });
    }
    const check = checkName(join(root, file), readRecordingFile(join(root, file)) as never);
    expect(check.namedBy).toContain(hashScheme);
  }
});

test("an upstream error is written in OGX's shape and our older shape still replays", async () => {
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "responses"));
  const older = {
    test_id: T,
    request: {
      method: "POST",
      url: "https://api.openai.com/v1/v1/chat/completions",
      headers: {},
      body: { model: "gpt-4o", messages: [{ role: "user", content: "old" }] },
      endpoint: "/v1/chat/completions",
      model: "gpt-4o",
    },
    response: {
      body: { error: { message: "slow down", type: "rate_limit", param: null, code: null } },
      is_streaming: false,
      is_exception: true,
      status: 429,
    },
  };
  const name = checkName("x.json", older as never).hashes["ogx-0.8"];
  writeFileSync(join(root, "responses", `${name}.json`), JSON.stringify(older));
  const recorder = createRecorder({ mode: "replay", recordingDir: root, upstream: noNetwork, env: {} });
  const error = await recorder.withTestId(T, () =>
    sdk(recorder.fetch)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "old" }] })
      .catch((caught: unknown) => caught),
  );
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  expect((error as Error).message).toBe("429 slow down");
});

/** A store that counts its lookups, to prove the common path pays for one. */
class CountingStore extends RecordingStore {
  lookups: string[] = [];
  override find(hash: string, testId: string | null | undefined): FoundRecording | undefined {
    this.lookups.push(hash);
    return super.find(hash, testId);
  }
}

test("replay looks a request up under the active scheme, and under the other only on a miss", async () => {
  const root = fixtureFolder();
  const fileSearch = readJson(join(FIXTURES, FILE.fileSearch)).request as {
    body: OpenAI.ChatCompletionCreateParams;
  };
  const ogxHash = FILE.fileSearch.replace(".json", "");
  // The same call, as Llama Stack 0.2 named it.
  const legacyRoot = temporaryRecordingDir();
  mkdirSync(join(legacyRoot, "responses"));
  const legacyHash = checkName("x.json", readRecordingFile(join(FIXTURES, FILE.fileSearch)) as never).hashes[
    "llama-stack-0.2"
  ];
  expect(legacyHash).not.toBe(ogxHash);
  cpSync(join(FIXTURES, FILE.fileSearch), join(legacyRoot, "responses", `${legacyHash}.json`));

  const ask = async (folder: string, hashScheme: "ogx-0.8" | "llama-stack-0.2") => {
    const store = new CountingStore(folder);
    const recorder = createRecorder({ mode: "replay", store, hashScheme, upstream: noNetwork, env: {} });
    const answer = await recorder.withTestId(T, () =>
      sdk(recorder.fetch).chat.completions.create(
        fileSearch.body as OpenAI.ChatCompletionCreateParamsNonStreaming,
      ),
    );
    return { content: answer.choices[0]?.message.content, lookups: store.lookups };
  };
  // Found at once under the active scheme: one lookup.
  expect(await ask(root, "ogx-0.8")).toEqual({ content: "Sales grew in Q1.", lookups: [ogxHash] });
  // Named by the other scheme: found on the second lookup, either way round.
  expect(await ask(legacyRoot, "ogx-0.8")).toEqual({
    content: "Sales grew in Q1.",
    lookups: [ogxHash, legacyHash],
  });
  expect(await ask(root, "llama-stack-0.2")).toEqual({
    content: "Sales grew in Q1.",
    lookups: [legacyHash, ogxHash],
  });
});

test("new recordings are named by ogx-0.8 unless STACK_TEST_HASH_SCHEME says otherwise; a wrong scheme names the valid ones", async () => {
  const upstream: FetchLike = async () => Response.json(chatCompletion("ok"));
  const body = {
    model: "gpt-4o",
    messages: [{ role: "tool" as const, tool_call_id: "c", content: "document_id: file-1, score: 0.75" }],
  };
  const named: Record<string, string[]> = {};
  for (const env of [{}, { STACK_TEST_HASH_SCHEME: "llama-stack-0.2" }]) {
    const root = temporaryRecordingDir();
    const recorder = createRecorder({ mode: "record", recordingDir: root, upstream, env });
    await recorder.withTestId(T, () => sdk(recorder.fetch).chat.completions.create(body));
    const [file = ""] = allFiles(root);
    named[recorder.hashScheme] = checkName(
      join(root, file),
      readRecordingFile(join(root, file)) as never,
    ).namedBy;
  }
  expect(named).toEqual({ "ogx-0.8": ["ogx-0.8"], "llama-stack-0.2": ["llama-stack-0.2"] });
  expect(() => createRecorder({ env: { STACK_TEST_HASH_SCHEME: "ogx-9" } })).toThrow(
    'Unknown hash scheme "ogx-9" (from STACK_TEST_HASH_SCHEME). Valid schemes: llama-stack-0.2, ogx-0.8.',
  );
});

test("the test id travels in OGX's provider-data header too, and the harness's headers carry all three forms", async () => {
  const testId = "tests/integration/responses/ünïcode.spec.ts::a > b[stack=server-txt=x]";
  expect(
    testIdFromHeaders({ "X-OGX-Provider-Data": JSON.stringify({ __test_id: testId, openai_api_key: "k" }) }),
  ).toBe(testId);
  // What an external stack (OGX, Llama Stack, ours) receives from the harness's client.
  const received = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    const server = createServer((request, response) => {
      resolve(request.headers);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(chatCompletion("ok")));
      server.close();
    }).listen(0, "127.0.0.1", async () => {
      const { port } = server.address() as AddressInfo;
      const client = new OpenAI({
        apiKey: "k",
        baseURL: `http://127.0.0.1:${port}/v1`,
        defaultHeaders: testIdHeaders(testId),
        maxRetries: 0,
      });
      await client.chat.completions
        .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
        .catch(reject);
    });
  });
  for (const header of ["x-ogx-provider-data", "x-llamastack-provider-data"]) {
    expect(JSON.parse(String(received[header])).__test_id).toBe(testId);
    expect(testIdFromHeaders({ [header]: String(received[header]) })).toBe(testId);
  }
  expect(testIdFromHeaders({ "x-test-id": String(received["x-test-id"]) })).toBe(testId);
});

test("verify --fix-names renames misnamed files to their hash: a dry run, then with --apply", () => {
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "responses"));
  const misnamed = join(root, "responses", `${"0".repeat(64)}.json`);
  cpSync(join(FIXTURES, FILE.chat), misnamed);
  const model = join(root, "responses", `models-${"1".repeat(64)}-e781efd3.json`);
  cpSync(join(FIXTURES, FILE.models), model);
  const dry = cli("verify", root, "--fix-names");
  expect(dry.code).toBe(0);
  expect(dry.lines).toContain(`would rename ${misnamed} → ${FILE.chat}`);
  expect(dry.lines).toContain(`would rename ${model} → ${FILE.models}`);
  expect(allFiles(root)).toEqual([
    `responses/${"0".repeat(64)}.json`,
    `responses/models-${"1".repeat(64)}-e781efd3.json`,
  ]);
  const applied = cli("verify", root, "--fix-names", "--apply");
  expect(applied.lines).toContain(`renamed ${misnamed} → ${FILE.chat}`);
  expect(allFiles(root)).toEqual([`responses/${FILE.chat}`, `responses/${FILE.models}`]);
  expect(cli("verify", root).lines.at(-2)).toBe(`2 of 2 recordings verified in ${root}`);
  expect(readFileSync(join(root, "responses", FILE.chat), "utf8")).toBe(
    readFileSync(join(FIXTURES, FILE.chat), "utf8"),
  );
});
