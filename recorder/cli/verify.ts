/**
 * `verify`: every file in a recordings folder is readable, makes sense, and is named by
 * its request's hash. What our recorder wrote must be right; what Llama Stack wrote is
 * committed unchanged, so a file it misnamed (older Llama Stack versions named some by
 * another rule) is reported as unreachable, a warning, not an error.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isOurRecording } from "../provenance.ts";
import { realFolder } from "../storage/contained-path.ts";
import { isStaleLeftover, removeStaleLeftovers } from "../storage/leftovers.ts";
import { parseRecording, type Recording, readRecordingText } from "../storage/recording-file.ts";
import { type ListedFile, listEntries } from "../storage/recording-store.ts";
import { hashInFileName, recomputedHash } from "./inspect.ts";

type Print = (line: string) => void;

interface Verdict {
  level: "ok" | "warn" | "bad";
  message?: string;
}

const OK: Verdict = { level: "ok" };

export interface VerifyOptions {
  /** Remove interrupted writes' leftovers older than a minute. */
  fix?: boolean;
}

export function verifyCommand(folder: string, print: Print, options: VerifyOptions = {}): number {
  const isFile = statSync(folder, { throwIfNoEntry: false })?.isFile() ?? false;
  const realRoot = realFolder(isFile ? dirname(folder) : folder);
  if (realRoot === undefined) {
    print(`BAD ${folder}: does not exist`);
    return 1;
  }
  const removed = new Set(options.fix ? removeStaleLeftoversUnder(folder, isFile) : []);
  for (const file of removed) print(`removed ${file}: left over from an interrupted write`);
  const entries = listEntries(folder, { includeLeftovers: true }).filter((entry) => !removed.has(entry.path));
  let bad = 0;
  let warned = 0;
  for (const entry of entries) {
    const verdict = verify(entry, realRoot, options);
    if (verdict.level === "bad") bad++;
    if (verdict.level === "warn") warned++;
    if (verdict.message)
      print(`${verdict.level === "bad" ? "BAD" : "WARN"} ${entry.path}: ${verdict.message}`);
  }
  const warnings = warned ? `, ${warned} with warnings` : "";
  print(`${entries.length - bad} of ${entries.length} recordings verified in ${folder}${warnings}`);
  return bad ? 1 : 0;
}

function removeStaleLeftoversUnder(folder: string, isFile: boolean): string[] {
  if (isFile) return [];
  const folders = new Set(
    listEntries(folder, { includeLeftovers: true }).map((entry) => dirname(entry.path)),
  );
  return [...folders].flatMap((each) => removeStaleLeftovers(each));
}

function verify(entry: ListedFile, realRoot: string, options: VerifyOptions): Verdict {
  const { path: file } = entry;
  if (entry.kind === "leftover") {
    const stale = isStaleLeftover(file);
    if (options.fix && !stale) {
      return {
        level: "warn",
        message: "a write in progress, or one interrupted less than a minute ago: kept",
      };
    }
    return {
      level: "bad",
      message: `left over from an interrupted write: delete it (\`recordings verify --fix\` removes those older than a minute)`,
    };
  }
  let recording: Recording;
  try {
    const text = readRecordingText(file, { realRoot });
    if (text === undefined)
      return { level: "bad", message: `is a symbolic link to ${entry.target ?? "nothing"}` };
    recording = parseRecording(text, file);
  } catch (error) {
    return {
      level: "bad",
      message: (error as Error).message.split("\n")[0]?.replace(`Recording file ${file} `, ""),
    };
  }
  const link =
    entry.kind === "link"
      ? {
          level: "warn" as const,
          message: `a symbolic link to ${entry.target}, inside the folder (replay follows it)`,
        }
      : OK;
  const named = hashInFileName(file);
  if (!named) return { level: "bad", message: "its name is not <hash>.json or models-<hash>-<digest>.json" };
  const actual = recomputedHash(recording);
  if (named === actual) return link;
  if (isOurRecording(recording)) {
    return { level: "bad", message: `its request hashes to ${actual}, not to the hash in its name` };
  }
  const twin = existsSync(join(dirname(file), `${actual}.json`))
    ? `; its twin ${actual}.json answers that request`
    : "";
  return {
    level: "warn",
    message:
      `unreachable: made by Llama Stack's recorder, which named it ${basename(file).slice(0, 12)}… by an older rule, ` +
      `but its request hashes to ${actual}, so replay never finds it (kept unchanged, as Llama Stack wrote it)${twin}`,
  };
}
