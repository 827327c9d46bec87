/**
 * Scripts for the scripted provider: JSON files beside the suite, one per spec file,
 * named after it (`basic.spec.ts` → `<scriptsDir>/basic.json`), mapping each test's
 * title path (`describe > test`, as in the test id) to its turns, in order:
 *
 *     {
 *       "says hello": [{ "text": "Hello! How can I help?" }],
 *       "weather > calls two tools": [
 *         { "tool_calls": [
 *             { "name": "get_weather", "arguments": { "location": "Paris" } },
 *             { "name": "get_weather", "arguments": "{\"location\": \"Rome\"" } ] },
 *         { "text": "Both are sunny." }
 *       ],
 *       "fails upstream": [{ "error": { "status": 429, "message": "Slow down" } }],
 *       "breaks midway": [{ "text": "Half an ans", "stream_error": { "after": 2, "message": "reset" } }]
 *     }
 *
 * A turn is text, tool calls (one or several: parallel), both, a refusal, or an HTTP
 * error; `finish_reason` overrides the natural one (`length` makes a truncated answer),
 * `stream_error` breaks the stream after that many content chunks, `usage` fixes the
 * token counts. Keys starting with `$` are comments.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { z } from "zod";
import { testIdWithoutParameters } from "../../../recorder/index.ts";
import { parameterPath } from "../../errors.ts";

const searchResult = z.strictObject({
  url: z.string(),
  title: z.string(),
  content: z.string(),
  score: z.number(),
  raw_content: z.string().nullable().default(null),
});

const toolCall = z.strictObject({
  name: z.string().min(1),
  /** An object is sent as its JSON; a string is sent verbatim, malformed or not. */
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).default({}),
  id: z.string().min(1).optional(),
  /** For a `web_search` call: what the scripted search answers for its query (see ./search.ts). */
  search_results: z.array(searchResult).optional(),
  /** For a `web_search` call: the scripted search fails with this HTTP error instead. */
  search_error: z
    .strictObject({ status: z.number().int().min(400).max(599), message: z.string() })
    .optional(),
});
export type ScriptToolCall = z.infer<typeof toolCall>;

const upstreamError = z.strictObject({
  status: z.number().int().min(400).max(599),
  message: z.string(),
  type: z.string().optional(),
  code: z.string().nullable().optional(),
  param: z.string().nullable().optional(),
});

const turn = z
  .strictObject({
    text: z.string().optional(),
    refusal: z.string().optional(),
    tool_calls: z.array(toolCall).min(1).optional(),
    finish_reason: z.enum(["stop", "length", "tool_calls", "content_filter"]).optional(),
    stream_error: z
      .strictObject({
        after: z.number().int().min(0).default(0),
        message: z.string(),
        code: z.string().optional(),
      })
      .optional(),
    usage: z
      .strictObject({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
      .optional(),
    error: upstreamError.optional(),
  })
  .refine(
    (value) =>
      value.error
        ? Object.keys(value).length === 1
        : value.text !== undefined || value.refusal !== undefined || value.tool_calls !== undefined,
    "a turn is `text`, `refusal` and/or `tool_calls`, or else `error` alone",
  );

export type ScriptTurn = z.infer<typeof turn>;

const scriptFile = z.record(z.string(), z.unknown());

export class ScriptError extends Error {
  readonly code: "script_missing" | "script_invalid";
  constructor(code: "script_missing" | "script_invalid", message: string) {
    super(message);
    this.name = "ScriptError";
    this.code = code;
  }
}

/** `tests/x/basic.spec.ts::greets > says hello[stack=local-txt=…]` → spec and title path. */
export function scriptKey(testId: string): { spec: string; title: string } {
  // The parameter suffix (`[stack=…-txt=…]`) varies across setups; scripts do not.
  const bare = testIdWithoutParameters(testId);
  const split = bare.indexOf("::");
  if (split < 0) return { spec: bare, title: "" };
  return { spec: bare.slice(0, split), title: bare.slice(split + 2) };
}

export function scriptFileFor(scriptsDir: string, spec: string): string {
  const stem = basename(spec).replace(/(\.(spec|test))?\.[cm]?[jt]sx?$/, "");
  return join(scriptsDir, `${stem}.json`);
}

const cache = new Map<string, { mtimeMs: number; entries: Record<string, unknown> }>();

function readScriptFile(file: string): Record<string, unknown> | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const cached = cache.get(file);
  if (cached?.mtimeMs === mtimeMs) return cached.entries;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ScriptError(
      "script_invalid",
      `Script file ${display(file)} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = scriptFile.safeParse(json);
  if (!parsed.success) {
    throw new ScriptError(
      "script_invalid",
      `Script file ${display(file)} must be a JSON object of test titles to turns.`,
    );
  }
  cache.set(file, { mtimeMs, entries: parsed.data });
  return parsed.data;
}

/** The turn a test's script gives for `turnIndex`, or a ScriptError saying what is missing where. */
export function findTurn(scriptsDir: string, testId: string, turnIndex: number): ScriptTurn {
  const where = `for test '${testId}', turn ${turnIndex + 1} (the request holds ${turnIndex} assistant message(s))`;
  const { turns, file, title } = scriptTurns(scriptsDir, testId, where);
  const found = turns[turnIndex];
  if (!found) {
    throw new ScriptError(
      "script_missing",
      `No script ${where}: the entry '${title}' in ${display(file)} has only ${turns.length} turn(s).`,
    );
  }
  return found;
}

/** All of a test's turns; `where` says what they were needed for, in the errors. */
export function scriptTurns(
  scriptsDir: string,
  testId: string,
  where: string,
): { turns: ScriptTurn[]; file: string; title: string } {
  const { spec, title } = scriptKey(testId);
  const file = scriptFileFor(scriptsDir, spec);
  const entries = readScriptFile(file);
  if (!entries) {
    throw new ScriptError("script_missing", `No script ${where}: ${display(file)} does not exist.`);
  }
  const raw = entries[title];
  if (raw === undefined) {
    const known = Object.keys(entries).filter((key) => !key.startsWith("$"));
    throw new ScriptError(
      "script_missing",
      `No script ${where}: ${display(file)} has no entry '${title}'. Its entries: ${known.map((key) => `'${key}'`).join(", ") || "none"}.`,
    );
  }
  const turns = z.array(turn).safeParse(raw);
  if (!turns.success) {
    const issue = turns.error.issues[0];
    const at = parameterPath([title, ...(issue?.path ?? [])]);
    throw new ScriptError(
      "script_invalid",
      `Invalid script in ${display(file)} at '${at}': ${issue?.message}.`,
    );
  }
  return { turns: turns.data, file, title };
}

export function display(file: string): string {
  const relativePath = relative(process.cwd(), file);
  return relativePath.startsWith("..") ? file : relativePath;
}
