/** The `npm run recordings -- <command>` commands; each returns its exit code. */
import { readFileSync } from "node:fs";
import { endpointKind, normalizeIdsAndTimes } from "../http/endpoints.ts";
import { isOurRecording } from "../provenance.ts";
import {
  isToolRecording,
  type Recording,
  readRecordingFile,
  serializeRecording,
  writeRecordingFile,
} from "../storage/recording-file.ts";
import { type RecordingStore, suiteOfTestId } from "../storage/recording-store.ts";
import { describeCall, describeResponse, hashInFileName, recomputedHash } from "./inspect.ts";
import { reconstruct } from "./reconstruct.ts";

type Print = (line: string) => void;

function load(file: string): Recording {
  const recording = readRecordingFile(file);
  if (!recording) throw new Error(`No such recording file: ${file}`);
  return recording;
}

export function hashCommand(files: string[], print: Print): number {
  for (const file of files) print(`${recomputedHash(load(file))} ${file}`);
  return 0;
}

export async function replayCommand(files: string[], print: Print): Promise<number> {
  let failures = 0;
  for (const file of files) {
    try {
      print(JSON.stringify({ file, ...(await reconstruct(file, load(file))) }));
    } catch (error) {
      failures++;
      // The SDK wraps a failing fetch in "Connection error."; the recorder's reason is its cause.
      const cause = (error as Error).cause;
      print(JSON.stringify({ file, error: (cause instanceof Error ? cause : (error as Error)).message }));
    }
  }
  return failures ? 1 : 0;
}

export function showCommand(store: RecordingStore, hash: string, print: Print): number {
  if (!/^[0-9a-f]{6,64}$/.test(hash)) throw new Error(`Give at least 6 hex digits of a hash, not ${hash}`);
  const files = store.listFiles().filter((file) => hashInFileName(file)?.startsWith(hash));
  if (files.length === 0) {
    print(`No recording under ${store.root} has a hash starting with ${hash}`);
    return 1;
  }
  for (const file of files) {
    const recording = load(file);
    const body = isToolRecording(recording) ? recording.request.kwargs : recording.request.body;
    print(file);
    print(`  test id:  ${recording.test_id ?? "(none)"}`);
    print(`  request:  ${describeCall(recording)}`);
    print(`  response: ${describeResponse(recording)}`);
    print(`  body:     ${JSON.stringify(body, null, 2).replaceAll("\n", "\n            ")}`);
  }
  return 0;
}

export function listCommand(store: RecordingStore, testFilter: string | undefined, print: Print): number {
  for (const file of store.listFiles()) {
    const recording = load(file);
    if (testFilter && !(recording.test_id ?? "").includes(testFilter)) continue;
    const hash = hashInFileName(file)?.slice(0, 12) ?? "?";
    print(
      `${hash}  ${suiteOfTestId(recording.test_id)}  ${describeCall(recording)}  ${recording.test_id ?? "-"}`,
    );
  }
  return 0;
}

/**
 * Re-applies id/timestamp normalization and the canonical layout to the files our
 * recorder wrote; rewrites only files that change. Ids are derived from the hash of the
 * request the file holds, never from its name. Llama Stack's files stay byte for byte.
 */
export function normalizeCommand(store: RecordingStore, print: Print): number {
  let changed = 0;
  let foreign = 0;
  for (const file of store.listFiles()) {
    const recording = load(file);
    if (!isOurRecording(recording)) {
      foreign++;
      continue;
    }
    const hash = recomputedHash(recording);
    if (!isToolRecording(recording) && !recording.response.is_exception) {
      const kind = endpointKind(recording.request.endpoint);
      const normalize = (item: unknown) => {
        const typed = item as { __type__?: string; __data__?: unknown };
        return typed?.__type__
          ? { ...typed, __data__: normalizeIdsAndTimes(kind, typed.__data__, hash) }
          : item;
      };
      const body = recording.response.body;
      recording.response.body =
        Array.isArray(body) && kind !== "models" ? body.map(normalize) : normalize(body);
    }
    const named = hashInFileName(file);
    if (named !== hash) {
      print(`misnamed ${file}: its request hashes to ${hash}; replay never finds it under this name`);
    }
    const before = readFileSync(file, "utf8");
    if (serializeRecording(recording) === before) continue;
    writeRecordingFile(file, recording);
    changed++;
    print(`normalized ${file}`);
  }
  const kept = foreign ? `; ${foreign} made by Llama Stack left as they are` : "";
  print(`${changed} recordings rewritten${kept}`);
  return 0;
}
