import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import {
  type InferenceRecording,
  parseRecording,
  RecordingFileError,
  readRecordingFile,
  serializeRecording,
  writeRecordingFile,
} from "../../../recorder/storage/recording-file.ts";
import { allFiles } from "./support/files.ts";
import { SEED_FILE, SEED_TEXT, temporaryRecordingDir } from "./support/fixtures.ts";

const recording = (): InferenceRecording => ({
  test_id: "tests/integration/responses/x.spec.ts::y",
  request: {
    method: "POST",
    url: "http://h/v1/chat/completions",
    headers: {},
    body: { model: "m", messages: [{ role: "user", content: "café ☕ 😀" }], temperature: 0.7 },
    endpoint: "/v1/chat/completions",
    model: "m",
  },
  response: {
    body: {
      __type__: "openai.types.chat.chat_completion.ChatCompletion",
      __data__: { id: "rec-1", choices: [{ index: 0, message: { role: "assistant", content: "hi" } }] },
    },
    is_streaming: false,
  },
});

test("files are Python's json.dump(indent=2): ASCII-escaped, Python floats, a final newline", () => {
  const text = serializeRecording(recording());
  expect(text).toContain('"content": "caf\\u00e9 \\u2615 \\ud83d\\ude00"');
  expect(text).toContain('"temperature": 0.7');
  expect(text).toContain('    "headers": {},\n');
  expect(text.endsWith('  "id_normalization_mapping": {}\n}\n')).toBe(true);
  expect(parseRecording(text, "x.json")).toEqual({ ...recording(), id_normalization_mapping: {} });
});

test("the seed loads as Llama Stack wrote it", () => {
  const loaded = readRecordingFile(SEED_FILE) as InferenceRecording;
  expect(loaded.request.endpoint).toBe("/v1/chat/completions");
  expect(Array.isArray(loaded.response.body) && loaded.response.body.length).toBe(18);
  expect(SEED_TEXT).not.toContain("id_normalization_mapping");
});

test("an invalid recording is refused on write, and nothing is written", () => {
  const root = temporaryRecordingDir();
  const bad = { ...recording(), request: { ...recording().request, headers: { authorization: "Bearer x" } } };
  expect(() => writeRecordingFile(join(root, "a.json"), bad as unknown as InferenceRecording)).toThrow(
    /does not match recording\.schema\.json: \/request\/headers must NOT have more than 0 properties/,
  );
  expect(allFiles(root)).toEqual([]);
});

test("a write that cannot complete leaves neither the file nor its temporary behind", () => {
  const root = temporaryRecordingDir();
  const target = join(root, "responses", "taken.json");
  mkdirSync(target, { recursive: true }); // a directory where the file should go: the rename fails
  expect(() => writeRecordingFile(target, recording())).toThrow();
  expect(allFiles(root)).toEqual([]);
});

test("a write replaces the old file whole", () => {
  const root = temporaryRecordingDir();
  const file = join(root, "r.json");
  writeRecordingFile(file, recording());
  const changed = recording();
  changed.request.model = "other";
  writeRecordingFile(file, changed);
  expect(readFileSync(file, "utf8")).toBe(serializeRecording(changed));
  expect(allFiles(root)).toEqual(["r.json"]);
});

test("id_normalization_mapping from Llama Stack files is applied on load", () => {
  const root = temporaryRecordingDir();
  const file = join(root, "mapped.json");
  const withOriginalIds = {
    ...recording(),
    response: {
      body: {
        __type__: "t.T",
        __data__: { id: "chatcmpl-ORIGINAL", ref: "chatcmpl-ORIGINAL", choices: [{ message: {} }] },
      },
      is_streaming: false,
    },
    id_normalization_mapping: { "rec-normalized": "chatcmpl-ORIGINAL" },
  };
  writeFileSync(file, JSON.stringify(withOriginalIds));
  const loaded = readRecordingFile(file);
  expect(loaded?.response.body).toEqual({
    __type__: "t.T",
    __data__: { id: "rec-normalized", ref: "rec-normalized", choices: [{ message: {} }] },
  });
});

test("errors name the file and say what to do", () => {
  const error = (() => {
    try {
      parseRecording("[1, 2", "/some/where/abc.json");
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(RecordingFileError);
  expect((error as Error).message).toMatch(/^Recording file \/some\/where\/abc\.json is not valid JSON/);
  expect((error as Error).message).toContain("Fix or delete the file, then re-record it");
});

/** A file that fits the schema but whose response is not what its endpoint answers. */
function senseless(
  endpoint: string,
  response: Record<string, unknown>,
  tool = false,
): Record<string, unknown> {
  const request = tool
    ? { provider: "tavily", tool_name: "web_search", kwargs: { query: "q" } }
    : { method: "POST", url: `http://h${endpoint}`, headers: {}, body: {}, endpoint, model: "m" };
  return { test_id: null, request, response };
}

const SENSELESS: Array<[string, Record<string, unknown>, RegExp]> = [
  [
    "a null where the completion belongs",
    senseless("/v1/chat/completions", {
      body: { __type__: "x.ChatCompletion", __data__: null },
      is_streaming: false,
    }),
    /does not hold a chat completion: response\.body\.__data__ must be object \(it is null\)/,
  ],
  [
    "a string where the completion belongs",
    senseless("/v1/chat/completions", { body: "The answer is 42.", is_streaming: false }),
    /does not hold a chat completion: response\.body must be object \(it is "The answer is 42\."\)/,
  ],
  [
    "a completion without choices",
    senseless("/v1/chat/completions", { body: { id: "x", object: "chat.completion" }, is_streaming: false }),
    /response\.body must have required property 'choices'/,
  ],
  [
    "a stream that is one object",
    senseless("/v1/chat/completions", { body: { choices: [] }, is_streaming: true }),
    /is marked streaming, but its response\.body is \{"choices":\[\]\}, not a list of chunks/,
  ],
  [
    "a stream without chunks",
    senseless("/v1/chat/completions", { body: [], is_streaming: true }),
    /does not hold a chat completion stream: response\.body must NOT have fewer than 1 items/,
  ],
  [
    "a completion without any choice",
    senseless("/v1/chat/completions", { body: { choices: [] }, is_streaming: false }),
    /does not hold a chat completion: response\.body\.choices must NOT have fewer than 1 items/,
  ],
  [
    "a stream chunk of null",
    senseless("/v1/chat/completions", {
      body: [{ __type__: "x.ChatCompletionChunk", __data__: { choices: [] } }, null],
      is_streaming: true,
    }),
    /does not hold a chat completion stream: response\.body\[1\] must be/,
  ],
  [
    "embeddings without vectors",
    senseless("/v1/embeddings", {
      body: { __type__: "x.E", __data__: { data: [{ index: 0 }] } },
      is_streaming: false,
    }),
    /does not hold an embeddings response: response\.body\.__data__\.data\[0\] must have required property 'embedding'/,
  ],
  [
    "a Responses event without a type",
    senseless("/v1/responses", { body: [{ sequence_number: 0 }], is_streaming: true }),
    /does not hold a Responses API event stream: response\.body\[0\] must have required property 'type'/,
  ],
  [
    "a model list of strings",
    senseless("/v1/models", { body: ["gpt-4o"], is_streaming: false }),
    /does not hold a model list: response\.body\[0\] must be object/,
  ],
  [
    "a typed tool result without data",
    senseless(
      "",
      { body: { __type__: "llama_stack.apis.tools.tools.ToolInvocationResult", __data__: null } },
      true,
    ),
    /does not hold a recorded result: response\.body\.__data__ must be object/,
  ],
];

for (const [what, file, problem] of SENSELESS) {
  test(`a recording that fits the schema but not its endpoint is refused, naming the file: ${what}`, () => {
    const root = temporaryRecordingDir();
    const path = join(root, "senseless.json");
    writeFileSync(path, JSON.stringify(file));
    let message = "";
    try {
      readRecordingFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(RecordingFileError);
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Recording file ${path} `));
    expect(message).toMatch(problem);
  });
}

test("a request that fits no kind is named with the kinds there are", () => {
  let message = "";
  try {
    parseRecording(
      JSON.stringify({ test_id: "x", request: { method: "POST" }, response: { body: {} } }),
      "k.json",
    );
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toBe(
    "Recording file k.json does not match recording.schema.json: /request is none of an inference call " +
      "(method, url, body, endpoint), a tool invocation (provider, tool_name, kwargs), a raw HTTP request " +
      "(url, method, payload) or a file-processor call (provider, api).\n" +
      "Fix or delete the file, then re-record it (STACK_TEST_INFERENCE_MODE=record-if-missing).",
  );
});
