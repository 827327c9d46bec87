/** The `npm run recordings -- <command>` commands; each returns its exit code. */
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { endpointKind, normalizeIdsAndTimes } from "../http/endpoints.ts";
import { realFolder } from "../storage/contained-path.ts";
import {
  isToolRecording,
  parseRecording,
  type Recording,
  readRecordingFile,
  readRecordingText,
  serializeRecording,
  writeRecordingFile,
} from "../storage/recording-file.ts";
import {
  type ListedFile,
  listEntries,
  type RecordingStore,
  suiteOfTestId,
} from "../storage/recording-store.ts";
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

/** Why a file fails verification, or undefined when it passes. */
function verificationProblem(entry: ListedFile, realRoot: string): string | undefined {
  const { path: file } = entry;
  if (entry.kind === "leftover") return "left over from an interrupted write: delete it";
  let recording: Recording;
  try {
    const text = readRecordingText(file, { realRoot });
    if (text === undefined) return `is a symbolic link to ${entry.target ?? "nothing"}: delete it`;
    recording = parseRecording(text, file);
  } catch (error) {
    return (error as Error).message.split("\n")[0]?.replace(`Recording file ${file} `, "");
  }
  const named = hashInFileName(file);
  if (!named) return "its name is not <hash>.json or models-<hash>-<digest>.json";
  const actual = recomputedHash(recording);
  if (named !== actual) return `its request hashes to ${actual}, not to the hash in its name`;
  return undefined;
}

export function verifyCommand(folder: string, print: Print): number {
  const entries = listEntries(folder, { includeLeftovers: true });
  const realRoot = realFolder(
    statSync(folder, { throwIfNoEntry: false })?.isFile() ? dirname(folder) : folder,
  );
  let bad = 0;
  for (const entry of entries) {
    const problem = realRoot === undefined ? "does not exist" : verificationProblem(entry, realRoot);
    if (problem) {
      bad++;
      print(`BAD ${entry.path}: ${problem}`);
    } else if (entry.kind === "link") {
      print(`WARN ${entry.path}: a symbolic link to ${entry.target}, inside the folder (replay follows it)`);
    }
  }
  print(`${entries.length - bad} of ${entries.length} recordings verified in ${folder}`);
  return bad ? 1 : 0;
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

/** Re-applies id/timestamp normalization and the canonical layout; rewrites only files that change. */
export function normalizeCommand(store: RecordingStore, print: Print): number {
  let changed = 0;
  for (const file of store.listFiles()) {
    const recording = load(file);
    const hash = hashInFileName(file);
    if (hash && !isToolRecording(recording) && !recording.response.is_exception) {
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
    const before = readFileSync(file, "utf8");
    if (serializeRecording(recording) === before) continue;
    writeRecordingFile(file, recording);
    changed++;
    print(`normalized ${file}`);
  }
  print(`${changed} recordings rewritten`);
  return 0;
}
