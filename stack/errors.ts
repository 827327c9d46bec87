/**
 * Errors in OpenAI's wire shape, `{"error": {"message", "type", "param", "code"}}`, so that
 * the official SDK raises its own classes (`BadRequestError`, `NotFoundError`, …) unchanged.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class StackError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    options: { type?: string; param?: string | null; code?: string | null } = {},
  ) {
    super(message);
    this.name = "StackError";
    this.status = status;
    this.type = options.type ?? (status >= 500 ? "server_error" : "invalid_request_error");
    this.param = options.param ?? null;
    this.code = options.code ?? null;
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidParameter(param: string | null, message: string, code = "invalid_value"): StackError {
  return new StackError(400, message, { param, code });
}

export function notFound(
  message: string,
  param: string | null = null,
  code: string | null = null,
): StackError {
  return new StackError(404, message, { param, code });
}

/** `["input", 0, "content"]` → `input[0].content`, the way OpenAI names parameters. */
export function parameterPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * The first zod issue as a 400 that names the parameter and says what was wrong with it.
 * `input` is what was validated, to tell a missing parameter from a wrong one.
 */
export function fromZodError(
  error: z.ZodError,
  root: ReadonlyArray<PropertyKey> = [],
  input?: unknown,
): StackError {
  const first = error.issues[0];
  if (!first) return invalidParameter(null, "Invalid request body.");
  const issue = mostSpecific(first);
  const path = [...root, ...issue.path];
  if (input !== undefined && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    const param = parameterPath(path);
    return invalidParameter(param, `Missing required parameter: '${param}'.`, "missing_required_parameter");
  }
  if (issue.code === "unrecognized_keys") {
    const param = parameterPath([...path, issue.keys[0] ?? ""]);
    return invalidParameter(param, `Unknown parameter: '${param}'.`, "unknown_parameter");
  }
  const param = parameterPath(path);
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
    const supported = issue.options.map((option) => `'${String(option)}'`).join(", ");
    return invalidParameter(param, `Invalid value for '${param}'. Supported values are: ${supported}.`);
  }
  if (issue.code === "invalid_union") {
    const expected = issue.errors.flatMap((branch) =>
      branch[0] && "expected" in branch[0] ? [branch[0].expected] : [],
    );
    return invalidParameter(
      param,
      `Invalid type for '${param}': expected ${expected.join(" or ")}.`,
      "invalid_type",
    );
  }
  const code = issue.code === "invalid_type" ? "invalid_type" : "invalid_value";
  const value = input === undefined ? undefined : valueAt(input, issue.path);
  const got = value !== null && typeof value === "object" ? "" : `, got ${JSON.stringify(value)}`;
  return invalidParameter(param || null, `Invalid '${param || "body"}': ${issue.message}${got}.`, code);
}

/**
 * A union (`input`: a string or a list of items) reports every branch's failure; the
 * helpful one is the branch that got furthest, e.g. the list's `input[0].role`.
 */
function mostSpecific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || "discriminator" in issue) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const candidate = branch[0];
    if (!candidate || (candidate.code === "invalid_type" && candidate.path.length === 0)) continue;
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best ? mostSpecific({ ...best, path: [...issue.path, ...best.path] }) : issue;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
