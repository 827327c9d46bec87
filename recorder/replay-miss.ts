/**
 * What a replay miss tells the person reading the failure: which request, which
 * folders were searched, the closest recording the same test made at the same
 * endpoint with a short diff of the two request bodies, and how to record it.
 */
import { parseRecording } from "./storage/recording-file.ts";
import type { RecordingStore } from "./storage/recording-store.ts";
import { callKeyOf, callKeys, requestPayload, testIdOf } from "./storage/recording-types.ts";

export interface MissedRequest {
  testId: string | null;
  hash: string;
  /** "POST /v1/chat/completions" style description, or the tool's name. */
  method?: string;
  url?: string;
  endpoint?: string;
  model?: string;
  provider?: string;
  toolName?: string;
  /** The (redacted) request body or tool kwargs that was hashed. */
  body: unknown;
}

export interface NearestRecording {
  file: string;
  diff: string[];
}

export type RecordCommandHint = (request: MissedRequest) => string;

export const defaultRecordCommand: RecordCommandHint = () =>
  "re-run this test with STACK_TEST_INFERENCE_MODE=record-if-missing (and the provider's API key exported)";

export class ReplayMissError extends Error {
  constructor(
    readonly request: MissedRequest,
    readonly foldersSearched: string[],
    readonly nearest: NearestRecording | undefined,
    readonly recordCommand: string,
  ) {
    super(formatMiss(request, foldersSearched, nearest, recordCommand));
    this.name = "ReplayMissError";
  }
}

function formatMiss(
  request: MissedRequest,
  folders: string[],
  nearest: NearestRecording | undefined,
  recordCommand: string,
): string {
  const what = request.toolName
    ? `tool invocation ${request.provider}.${request.toolName}`
    : `${request.method} ${request.url}`;
  const lines = [
    `No recording for ${what} (replay mode never calls upstream).`,
    `  test id: ${request.testId ?? "(none: outside any test)"}`,
    `  hash:    ${request.hash}`,
  ];
  if (request.model) lines.push(`  model:   ${request.model}`);
  lines.push(`  searched: ${folders.join(", ")}`);
  if (nearest) {
    lines.push(`  nearest recording of this test and endpoint: ${nearest.file}`);
    lines.push("  its request body differs (- recorded, + this request):");
    lines.push(...nearest.diff.map((line) => `    ${line}`));
  } else {
    lines.push("  no recording of this test and endpoint exists yet.");
  }
  lines.push(`  to record it: ${recordCommand}`);
  return lines.join("\n");
}

const MAX_DIFF_LINES = 12;
const MAX_VALUE_LENGTH = 100;

function show(value: unknown): string {
  const text = value === undefined ? "(absent)" : (JSON.stringify(value) ?? "null");
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/** Paths where two JSON values differ, as `-`/`+` line pairs. */
export function diffJson(recorded: unknown, current: unknown, path = "body"): string[] {
  if (JSON.stringify(recorded) === JSON.stringify(current)) return [];
  const bothObjects =
    typeof recorded === "object" && recorded !== null && typeof current === "object" && current !== null;
  if (bothObjects && Array.isArray(recorded) === Array.isArray(current)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(current)]);
    const lines: string[] = [];
    for (const key of keys) {
      const childPath = Array.isArray(recorded) ? `${path}[${key}]` : `${path}.${key}`;
      lines.push(
        ...diffJson(
          (recorded as Record<string, unknown>)[key],
          (current as Record<string, unknown>)[key],
          childPath,
        ),
      );
    }
    return lines;
  }
  return [`- ${path}: ${show(recorded)}`, `+ ${path}: ${show(current)}`];
}

/** The calls a request may have been recorded as: its tool, or its endpoint (or, raw, its URL). */
function callKeysOf(request: MissedRequest): string[] {
  if (request.toolName) return [callKeys.tool(request.provider, request.toolName)];
  return [callKeys.endpoint(request.endpoint), callKeys.url(request.url)];
}

/**
 * The recording of the same test and call whose body differs least, from the store's
 * index of the folder (built on the first miss, see folder-index.ts); each file it names
 * is read and its test and call checked again here. Only request bodies are compared, so
 * the rest of a file goes unvalidated: replay validates what it answers with.
 */
export function findNearestRecording(
  store: RecordingStore,
  request: MissedRequest,
): NearestRecording | undefined {
  const keys = callKeysOf(request);
  let best: { file: string; diff: string[] } | undefined;
  for (const file of store.recordingsOf(request.testId, keys)) {
    let recordedBody: unknown;
    try {
      const text = store.readText(file);
      if (text === undefined) continue;
      const recording = parseRecording(text, file, { validate: false });
      if (testIdOf(recording) !== request.testId || !keys.includes(callKeyOf(recording) ?? "")) continue;
      recordedBody = requestPayload(recording);
    } catch {
      continue;
    }
    const diff = diffJson(recordedBody, request.body, request.toolName ? "kwargs" : "body");
    if (!best || diff.length < best.diff.length) best = { file, diff };
  }
  if (!best) return undefined;
  const shown = best.diff.slice(0, MAX_DIFF_LINES);
  if (best.diff.length > MAX_DIFF_LINES) shown.push(`… ${best.diff.length - MAX_DIFF_LINES} more lines`);
  return { file: best.file, diff: shown };
}
