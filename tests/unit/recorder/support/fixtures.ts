/** The fixtures copied from the shared design folder, so tests pass on a fresh clone. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIXTURES = new URL("../../fixtures/", import.meta.url);

export const SEED_FILE = new URL("seed-recording.json", FIXTURES).pathname;
export const SEED_HASH = "f2e35fd69fcee9ba64e2dad17958422983ab71e56b26d9504a22b6018dcadb5f";
export const SEED_TEXT = readFileSync(SEED_FILE, "utf8");

export interface SeedRecording {
  test_id: string;
  request: { method: string; url: string; body: Record<string, unknown> & { messages: unknown[] } };
  response: { body: Array<{ __type__: string; __data__: Record<string, unknown> }>; is_streaming: boolean };
}
export const seed = (): SeedRecording => JSON.parse(SEED_TEXT);

export interface HashVector {
  name: string;
  kind: "inference" | "tool" | "http";
  method?: string;
  url?: string;
  test_id?: string | null;
  body?: unknown;
  provider?: string;
  tool_name?: string;
  kwargs?: Record<string, unknown>;
  payload?: unknown;
  canonical: string;
  hash: string;
}
/** The worked vectors of each scheme, copied from ../shared/vectors/. */
export const hashVectors = (scheme: "llama-stack-0.2" | "ogx-0.8" = "llama-stack-0.2"): HashVector[] =>
  JSON.parse(
    readFileSync(
      new URL(
        scheme === "ogx-0.8" ? "request-hash-vectors-ogx-0.8.json" : "request-hash-vectors.json",
        FIXTURES,
      ),
      "utf8",
    ),
  ).vectors;

export interface PythonFloat {
  hex: string;
  repr: string;
  fixed5: string;
  round5: string;
}
export const pythonFloats = (): PythonFloat[] =>
  JSON.parse(readFileSync(new URL("python-floats.json", FIXTURES), "utf8")).values;

/** A fresh recordings folder in the temp dir. */
export function temporaryRecordingDir(): string {
  return mkdtempSync(join(tmpdir(), "recorder-test-"));
}

/** A recordings folder holding the seed under the name and suite folder the recorder looks for. */
export function recordingDirWithSeed(): string {
  const root = temporaryRecordingDir();
  mkdirSync(join(root, "responses"), { recursive: true });
  // Byte for byte: the file Llama Stack wrote, unchanged.
  writeFileSync(join(root, "responses", `${SEED_HASH}.json`), SEED_TEXT);
  return root;
}
