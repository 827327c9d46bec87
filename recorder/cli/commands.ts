/**
 * The `npm run recordings -- <command>` commands that read recordings: hash, replay,
 * list, show, normalize. Each takes files and folders, reads them a bounded number at a
 * time, reports each bad file on its own line and goes on; each returns its exit code.
 */
import { readFileSync } from "node:fs";
import { describeCall, describeResponse } from "../describe-recording.ts";
import { checkName, hashInFileName } from "../hashing/recording-hash.ts";
import type { HashScheme } from "../hashing/schemes.ts";
import { endpointKind, normalizeIdsAndTimes } from "../http/endpoints.ts";
import { isOurRecording } from "../provenance.ts";
import { serializeRecording, writeRecordingFile } from "../storage/recording-file.ts";
import { suiteOfTestId } from "../storage/recording-store.ts";
import { isInferenceRecording, requestPayload, testIdOf } from "../storage/recording-types.ts";
import { recomputedHash } from "./inspect.ts";
import { reconstruct } from "./reconstruct.ts";
import { expandTargets, inOrder, type Loaded, loadAll, loadTarget } from "./targets.ts";

export interface Output {
  /** The command's results, one line each. */
  print(line: string): void;
  /** Bad files and other trouble, one line each. */
  warn(line: string): void;
}

export interface CommandOptions {
  hashScheme: HashScheme;
}

/** Tallies the bad files of a run, and says at the end how many there were. */
class Failures {
  count = 0;
  constructor(private readonly output: Output) {}

  bad(file: string, problem: string): void {
    this.count++;
    this.output.warn(`BAD ${file}: ${problem}`);
  }

  /** The exit code; before it, a closing line when anything failed. */
  finish(total: number): number {
    if (this.count === 0) return 0;
    this.output.warn(`${this.count} of ${total} could not be used; each is named above with what to do.`);
    return 1;
  }
}

async function eachRecording(
  paths: readonly string[],
  output: Output,
  use: (loaded: Extract<Loaded, { recording: unknown }>) => void | Promise<void>,
): Promise<number> {
  const failures = new Failures(output);
  const { targets, missing } = await expandTargets(paths);
  for (const path of missing) failures.bad(path, "no such file or folder.");
  for await (const loaded of loadAll(targets)) {
    if ("problem" in loaded) failures.bad(loaded.target.path, loaded.problem);
    else await use(loaded);
  }
  return failures.finish(targets.length + missing.length);
}

const NOT_HASHED = "(a file-processor recording: OGX no longer hashes or replays these)";

/** `<hash> <file>`, the hash recomputed from the request each file holds, under the given scheme. */
export function hashCommand(
  paths: readonly string[],
  output: Output,
  options: CommandOptions,
): Promise<number> {
  return eachRecording(paths, output, ({ target, recording }) => {
    const hash = recomputedHash(recording, options.hashScheme);
    output.print(hash ? `${hash} ${target.path}` : `- ${target.path} ${NOT_HASHED}`);
  });
}

/** What the openai SDK gets when each file is replayed, one JSON line per file; misnamed files are marked. */
export async function replayCommand(
  paths: readonly string[],
  output: Output,
  options: CommandOptions,
): Promise<number> {
  const { targets, missing } = await expandTargets(paths);
  let failures = missing.length;
  for (const path of missing) output.print(JSON.stringify({ file: path, error: "no such file or folder" }));
  // Replays run a few at a time: each goes through the SDK, and its output is small.
  const results = inOrder(targets, 8, async (target) => {
    const loaded = await loadTarget(target);
    if ("problem" in loaded) return { file: target.path, error: loaded.problem };
    const { recording } = loaded;
    const { named, namedBy, hashes } = checkName(target.path, recording);
    const misnamed =
      named !== undefined && namedBy.length === 0 && hashes[options.hashScheme]
        ? { misnamed: `its request hashes to ${hashes[options.hashScheme]}, not to the hash in its name` }
        : {};
    try {
      return {
        file: target.path,
        ...misnamed,
        ...(await reconstruct(target.path, recording, options.hashScheme)),
      };
    } catch (error) {
      // The SDK wraps a failing fetch in "Connection error."; the recorder's reason is its cause.
      const cause = (error as Error).cause;
      return {
        file: target.path,
        ...misnamed,
        error: (cause instanceof Error ? cause : (error as Error)).message,
      };
    }
  });
  for await (const result of results) {
    if ("error" in result) failures++;
    output.print(JSON.stringify(result));
  }
  if (failures)
    output.warn(`${failures} of ${targets.length + missing.length} did not replay; each line says why.`);
  return failures ? 1 : 0;
}

/** The recordings whose hash (in the name, or recomputed) starts with `prefix`. */
export async function showCommand(
  prefix: string,
  paths: readonly string[],
  output: Output,
  options: CommandOptions,
): Promise<number> {
  if (!/^[0-9a-f]{6,64}$/.test(prefix))
    throw new Error(`Give at least 6 hex digits of a hash, not ${prefix}`);
  let shown = 0;
  const code = await eachRecording(paths, output, ({ target, recording }) => {
    const hash = recomputedHash(recording, options.hashScheme) ?? "";
    if (!hashInFileName(target.path)?.startsWith(prefix) && !hash.startsWith(prefix)) return;
    shown++;
    output.print(target.path);
    output.print(`  test id:  ${testIdOf(recording) ?? "(none)"}`);
    output.print(`  request:  ${describeCall(recording)}`);
    output.print(`  response: ${describeResponse(recording)}`);
    output.print(
      `  body:     ${JSON.stringify(requestPayload(recording), null, 2).replaceAll("\n", "\n            ")}`,
    );
  });
  if (shown === 0) {
    output.print(`No recording under ${paths.join(", ")} has a hash starting with ${prefix}`);
    return 1;
  }
  return code;
}

/** One line per recording: hash, suite, call, test id; `testFilter` keeps tests whose id holds it. */
export function listCommand(
  paths: readonly string[],
  testFilter: string | undefined,
  output: Output,
): Promise<number> {
  return eachRecording(paths, output, ({ target, recording }) => {
    const testId = testIdOf(recording);
    if (testFilter && !(testId ?? "").includes(testFilter)) return;
    const hash = hashInFileName(target.path)?.slice(0, 12) ?? "?";
    output.print(`${hash}  ${suiteOfTestId(testId)}  ${describeCall(recording)}  ${testId ?? "-"}`);
  });
}

/**
 * Re-applies id/timestamp normalization and the canonical layout to the files our
 * recorder wrote; rewrites only files that change. Ids are derived from the hash of the
 * request the file holds (under the scheme that named it), never from its name.
 * Llama Stack's files stay byte for byte.
 */
export async function normalizeCommand(
  paths: readonly string[],
  output: Output,
  options: CommandOptions,
): Promise<number> {
  let changed = 0;
  let foreign = 0;
  const code = await eachRecording(paths, output, ({ target, recording }) => {
    if (!isOurRecording(recording)) {
      foreign++;
      return;
    }
    const { namedBy, hashes } = checkName(target.path, recording);
    const scheme = namedBy[0] ?? options.hashScheme;
    const hash = hashes[scheme];
    if (hash && isInferenceRecording(recording) && !recording.response.is_exception) {
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
    if (namedBy.length === 0 && hash) {
      output.print(
        `misnamed ${target.path}: its request hashes to ${hash}; replay never finds it under this name`,
      );
    }
    if (serializeRecording(recording) === readFileSync(target.path, "utf8")) return;
    writeRecordingFile(target.path, recording);
    changed++;
    output.print(`normalized ${target.path}`);
  });
  const kept = foreign ? `; ${foreign} made by Llama Stack left as they are` : "";
  output.print(`${changed} recordings rewritten${kept}`);
  return code;
}
