/**
 * `verify`: every file in a recordings folder is readable, makes sense, and is named by
 * its request's hash, under either scheme (it says which). What our recorder wrote must
 * be right; what Llama Stack wrote is committed unchanged, so a file it misnamed (older
 * Llama Stack versions named some by another rule) is reported as unreachable, a
 * warning. `--fix` removes interrupted writes' stale leftovers; `--fix-names` renames
 * misnamed files to their hash (a dry run unless `--apply`).
 */
import { existsSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { checkName, type NameCheck } from "../hashing/recording-hash.ts";
import { HASH_SCHEMES, type HashScheme } from "../hashing/schemes.ts";
import { isOurRecording } from "../provenance.ts";
import { isStaleLeftover, removeStaleLeftovers } from "../storage/leftovers.ts";
import { isFileProcessorRecording, type Recording } from "../storage/recording-types.ts";
import type { Output } from "./commands.ts";
import { expandTargets, loadAll, type Target } from "./targets.ts";

export interface VerifyOptions {
  /** Remove interrupted writes' leftovers older than a minute. */
  fix?: boolean;
  /** Rename misnamed files to their hash under this scheme; only with `apply`, else say what it would do. */
  fixNames?: boolean;
  apply?: boolean;
  hashScheme: HashScheme;
}

interface Verdict {
  level: "ok" | "warn" | "bad";
  message?: string;
}

export async function verifyCommand(
  paths: readonly string[],
  output: Output,
  options: VerifyOptions,
): Promise<number> {
  const { print } = output;
  if (options.fix) {
    const before = await expandTargets(paths, { includeLeftovers: true });
    const folders = new Set(
      before.targets.filter((target) => target.kind === "leftover").map((target) => dirname(target.path)),
    );
    for (const folder of folders) {
      for (const file of removeStaleLeftovers(folder))
        print(`removed ${file}: left over from an interrupted write`);
    }
  }
  const { targets, missing } = await expandTargets(paths, { includeLeftovers: true });
  let bad = missing.length;
  let warned = 0;
  const namedBy = new Map<string, number>();
  for (const path of missing) print(`BAD ${path}: no such file or folder`);
  for await (const loaded of loadAll(targets)) {
    const verdict =
      loaded.target.kind === "leftover"
        ? leftoverVerdict(loaded.target, options)
        : "problem" in loaded
          ? { level: "bad" as const, message: loaded.problem }
          : recordingVerdict(loaded.target, loaded.recording, options, output, namedBy);
    if (verdict.level === "bad") bad++;
    if (verdict.level === "warn") warned++;
    if (verdict.message)
      print(`${verdict.level === "bad" ? "BAD" : "WARN"} ${loaded.target.path}: ${verdict.message}`);
  }
  const total = targets.length + missing.length;
  const warnings = warned ? `, ${warned} with warnings` : "";
  print(`${total - bad} of ${total} recordings verified in ${paths.join(", ")}${warnings}`);
  const schemes = [...namedBy.entries()].map(([scheme, count]) => `${count} ${scheme}`);
  if (schemes.length) print(`named by: ${schemes.join(", ")}`);
  return bad ? 1 : 0;
}

function leftoverVerdict(target: Target, options: VerifyOptions): Verdict {
  if (options.fix && !isStaleLeftover(target.path)) {
    return { level: "warn", message: "a write in progress, or one interrupted less than a minute ago: kept" };
  }
  return {
    level: "bad",
    message:
      "left over from an interrupted write: delete it (`recordings verify --fix` removes those older than a minute)",
  };
}

/** Which scheme's hash a name is: one of them, or both when they agree. */
function schemeLabel(check: NameCheck): string {
  return check.namedBy.length === HASH_SCHEMES.length
    ? "both schemes (the same hash)"
    : (check.namedBy[0] ?? "");
}

function recordingVerdict(
  target: Target,
  recording: Recording,
  options: VerifyOptions,
  output: Output,
  namedBy: Map<string, number>,
): Verdict {
  const link: Verdict =
    target.kind === "link"
      ? {
          level: "warn",
          message: `a symbolic link to ${target.target}, inside the folder (replay follows it)`,
        }
      : { level: "ok" };
  if (isFileProcessorRecording(recording)) {
    return {
      level: "warn",
      message:
        "an OGX file-processor recording: OGX no longer hashes, records or replays these (it runs the processor), " +
        "and nothing here replays it; keep it for reference or delete it",
    };
  }
  const check = checkName(target.path, recording);
  if (check.namedBy.length > 0) {
    const label = schemeLabel(check);
    namedBy.set(label, (namedBy.get(label) ?? 0) + 1);
    return link;
  }
  const actual = check.hashes[options.hashScheme] as string;
  const what = check.named
    ? "not to the hash in its name"
    : "and its name is not <hash>.json or models-<hash>-<digest>.json";
  const others = HASH_SCHEMES.filter(
    (scheme) => scheme !== options.hashScheme && check.hashes[scheme] !== actual,
  )
    .map((scheme) => ` (${options.hashScheme}), ${check.hashes[scheme]} (${scheme})`)
    .join("");
  const renamed = options.fixNames ? fixName(target, actual, options, output) : "";
  if (isOurRecording(recording)) {
    return {
      level: renamed === "renamed" ? "ok" : "bad",
      message: `its request hashes to ${actual}${others}, ${what}${renamed ? ` (${renamed})` : ""}`,
    };
  }
  const twinHash = [...new Set(Object.values(check.hashes))].find((hash) =>
    existsSync(join(dirname(target.path), `${hash}.json`)),
  );
  const twin = twinHash ? `; its twin ${twinHash}.json answers that request` : "";
  return {
    level: "warn",
    message:
      `unreachable: made by Llama Stack's recorder, which named it ${basename(target.path).slice(0, 12)}… by an older rule, ` +
      `but its request hashes to ${actual}${others}, so replay never finds it (kept unchanged, as Llama Stack wrote it)${twin}` +
      (renamed ? ` (${renamed})` : ""),
  };
}

/** Renames a misnamed file to its hash (keeping a model list's digest); says what it did or would do. */
function fixName(target: Target, hash: string, options: VerifyOptions, output: Output): string {
  const name = basename(target.path);
  const digest = /^models-[0-9a-f]{64}(-[0-9a-f]{8})\.json$/.exec(name)?.[1];
  const goal = join(dirname(target.path), digest ? `models-${hash}${digest}.json` : `${hash}.json`);
  if (existsSync(goal)) return `not renamed: ${basename(goal)} exists already and answers that request`;
  if (!options.apply) {
    output.print(`would rename ${target.path} → ${basename(goal)}`);
    return "verify --fix-names --apply renames it";
  }
  renameSync(target.path, goal);
  output.print(`renamed ${target.path} → ${basename(goal)}`);
  return "renamed";
}
