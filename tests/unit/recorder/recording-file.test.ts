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
    body: { __type__: "openai.types.chat.chat_completion.ChatCompletion", __data__: { id: "rec-1" } },
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
      body: { __type__: "t.T", __data__: { id: "chatcmpl-ORIGINAL", ref: "chatcmpl-ORIGINAL" } },
      is_streaming: false,
    },
    id_normalization_mapping: { "rec-normalized": "chatcmpl-ORIGINAL" },
  };
  writeFileSync(file, JSON.stringify(withOriginalIds));
  const loaded = readRecordingFile(file);
  expect(loaded?.response.body).toEqual({
    __type__: "t.T",
    __data__: { id: "rec-normalized", ref: "rec-normalized" },
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
