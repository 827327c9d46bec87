/**
 * One recording file: Llama Stack's format, read and written byte-compatibly with its
 * `json.dump(indent=2)`, validated against recording.schema.json both ways, written
 * atomically so an interrupted run never leaves half a file.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import { parsePreservingFloats } from "../json/parse-preserving-floats.ts";
import { pythonJsonDumps } from "../json/python-json.ts";
import { writeFileAtomically } from "./atomic-write.ts";
import { EscapingLinkError, readInside, realFolder } from "./contained-path.ts";
import { ajvModule } from "./lazy-ajv.ts";
import type { Recording } from "./recording-types.ts";
import { responseProblem } from "./response-kinds.ts";

export * from "./recording-types.ts";

/** A recording file that cannot be used; the message names the file and what to do. */
export class RecordingFileError extends Error {
  /** `advice` replaces the usual "fix or delete it, then re-record it" when the problem calls for other. */
  constructor(
    readonly file: string,
    problem: string,
    advice = "Fix or delete the file, then re-record it (STACK_TEST_INFERENCE_MODE=record-if-missing).",
  ) {
    super(`Recording file ${file} ${problem}${advice ? `\n${advice}` : ""}`);
    this.name = "RecordingFileError";
  }
}

let compiled: ValidateFunction<Recording> | undefined;

/** The schema's validator, compiled on first use (see lazy-ajv.ts). */
function validateRecording(value: unknown): value is Recording {
  if (!compiled) {
    const { Ajv } = ajvModule();
    const schema = JSON.parse(readFileSync(new URL("../recording.schema.json", import.meta.url), "utf8"));
    compiled = new Ajv({ strict: true, strictRequired: false, strictTypes: false }).compile<Recording>(
      schema,
    );
  }
  return compiled(value);
}

/** The kinds a request may be, as a reader fixing a file needs them spelled out. */
const REQUEST_KINDS =
  "an inference call (method, url, body, endpoint), a tool invocation (provider, tool_name, kwargs), " +
  "a raw HTTP request (url, method, payload) or a file-processor call (provider, api)";

function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  const all = errors ?? [];
  // A request fails every kind's branch of the schema: when none of them came near (no
  // error inside the request), say what the kinds are, once; else only what is wrong inside.
  const branching = all.some((error) => error.keyword === "oneOf" && error.instancePath === "/request");
  const inside = all.some((error) => error.instancePath.startsWith("/request/"));
  const lines = all
    .filter((error) => !(branching && error.instancePath === "/request"))
    .map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`);
  if (branching && !inside) lines.unshift(`/request is none of ${REQUEST_KINDS}`);
  return [...new Set(lines)].join("; ");
}

/** Fits recording.schema.json, and its response makes sense for its endpoint (see response-kinds.ts). */
export function assertValidRecording(value: unknown, file: string): asserts value is Recording {
  if (!validateRecording(value)) {
    throw new RecordingFileError(
      file,
      `does not match recording.schema.json: ${describeSchemaErrors(compiled?.errors)}.`,
    );
  }
  const { request, response } = value;
  const endpoint = "endpoint" in request ? request.endpoint : undefined;
  const problem = responseProblem({ endpoint, ...response });
  if (problem) throw new RecordingFileError(file, `${problem}.`);
}

export interface ReadOptions {
  /**
   * Keep Python's integral floats (`0.0`) apart from integers, as hashing and rewriting
   * need. Replay only re-serializes with JSON.stringify, where they are the same, and
   * skips the check.
   */
  preserveFloats?: boolean;
  /**
   * The real path of the recordings folder the file belongs to: a symbolic link is
   * followed only to a target inside it. Default: the file's own folder.
   */
  realRoot?: string;
  /**
   * Check the file against the schema (default). A miss's diagnosis only compares request
   * bodies, and skips the check (and compiling the schema in a process that replays nothing).
   */
  validate?: boolean;
}

/** Parses and validates a recording's text; `file` names it in errors. */
export function parseRecording(
  text: string,
  file: string,
  { preserveFloats = true, validate = true }: ReadOptions = {},
): Recording {
  const parse = preserveFloats ? parsePreservingFloats : JSON.parse;
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new RecordingFileError(file, `is not valid JSON (${(error as Error).message}).`);
  }
  if (validate) assertValidRecording(value, file);
  return applyIdNormalizationMapping(value as Recording, text, file, parse, validate);
}

/** A recording file's text; undefined when it does not exist. Links leave no folder (see ReadOptions). */
export function readRecordingText(file: string, options: ReadOptions = {}): string | undefined {
  const realRoot = options.realRoot ?? realFolder(dirname(file));
  if (realRoot === undefined) return undefined;
  try {
    return readInside(file, realRoot);
  } catch (error) {
    if (error instanceof EscapingLinkError) throw new RecordingFileError(file, error.message, "");
    throw new RecordingFileError(file, `cannot be read (${(error as Error).message}).`);
  }
}

/** Reads a recording; undefined when the file does not exist. */
export function readRecordingFile(file: string, options?: ReadOptions): Recording | undefined {
  const text = readRecordingText(file, options);
  return text === undefined ? undefined : parseRecording(text, file, options);
}

/**
 * Llama Stack files may map normalized ids back to the originals they replaced;
 * loading swaps the originals for the normalized form everywhere in the file.
 */
function applyIdNormalizationMapping(
  recording: Recording,
  text: string,
  file: string,
  parse: (text: string) => unknown,
  validate: boolean,
): Recording {
  const mapping = recording.id_normalization_mapping;
  if (!mapping || Object.keys(mapping).length === 0) return recording;
  let rewritten = text;
  for (const [normalized, original] of Object.entries(mapping))
    rewritten = rewritten.replaceAll(original, normalized);
  const remapped = parse(rewritten) as Recording;
  remapped.id_normalization_mapping = {};
  if (validate) assertValidRecording(remapped, file);
  return remapped;
}

/** The file's bytes: Python's `json.dump(indent=2)` plus a final newline, keys in a fixed order. */
export function serializeRecording(recording: Recording): string {
  const ordered = {
    test_id: recording.test_id,
    request: recording.request,
    response: recording.response,
    id_normalization_mapping: recording.id_normalization_mapping ?? {},
    recorded_by: recording.recorded_by,
  };
  return `${pythonJsonDumps(ordered, { indent: 2 })}\n`;
}

/** Validates, then writes through a temporary file and a rename: readers see all or nothing. */
export function writeRecordingFile(file: string, recording: Recording): void {
  assertValidRecording(recording, file);
  writeFileAtomically(file, serializeRecording(recording));
}
