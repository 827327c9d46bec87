/**
 * Request identity, computed exactly as Llama Stack's api_recorder does, so that a
 * recording made by either side is found by the other.
 */
import { createHash, hash } from "node:crypto";
import { formatFixed5, isPythonFloat, PyFloat, roundPython5 } from "./json/python-float.ts";
import { type JsonLeaf, pythonJsonDumps, pythonJsonString } from "./json/python-json.ts";

/** Shared infrastructure endpoints: their recordings serve every test, so no test id. */
export const MODEL_LIST_ENDPOINTS: ReadonlySet<string> = new Set([
  "/v1/models",
  "/api/tags",
  "/v1/openai/v1/models",
]);

const DECIMAL_IN_STRING = /-?\d+\.\d{4,}/g;
const HAS_DECIMAL_IN_STRING = /\d\.\d{4}/;

/** Rounds floats to 5 places and long decimals inside strings to 5 decimals. */
export function normalizeLeafForHash(value: JsonLeaf): JsonLeaf {
  if (typeof value === "string") {
    return HAS_DECIMAL_IN_STRING.test(value)
      ? value.replace(DECIMAL_IN_STRING, (literal) => formatFixed5(Number(literal)))
      : value;
  }
  if (!isPythonFloat(value)) return value;
  // Still a float in Python when rounding lands on an integer: 1e-07 hashes as 0.0.
  const rounded = roundPython5(value.valueOf());
  return Number.isInteger(rounded) ? new PyFloat(rounded) : rounded;
}

export interface InferenceRequestIdentity {
  method: string;
  /** The full URL; only its path counts. */
  url: string;
  body: unknown;
  testId: string | null;
}

/** The canonical string that is hashed; exposed so tests and diagnostics can show it. */
export function inferenceCanonicalString({ method, url, body, testId }: InferenceRequestIdentity): string {
  const endpoint = urlPath(url);
  // json.dumps(sort_keys=True) of {method, endpoint, body, test_id}, composed by hand
  // so that only the body is normalized, in the same pass that writes it.
  const members = [
    `"body": ${pythonJsonDumps(body, { sortKeys: true, mapLeaf: normalizeLeafForHash })}`,
    `"endpoint": ${pythonJsonString(endpoint)}`,
    `"method": ${pythonJsonString(method.toUpperCase())}`,
  ];
  if (!MODEL_LIST_ENDPOINTS.has(endpoint)) {
    members.push(`"test_id": ${testId === null ? "null" : pythonJsonString(testId)}`);
  }
  return `{${members.join(", ")}}`;
}

export function inferenceRequestHash(identity: InferenceRequestIdentity): string {
  return sha256Hex(inferenceCanonicalString(identity));
}

export interface ToolInvocationIdentity {
  provider: string;
  toolName: string;
  kwargs: Record<string, unknown>;
}

export function toolCanonicalString({ provider, toolName, kwargs }: ToolInvocationIdentity): string {
  return pythonJsonDumps({ provider, tool_name: toolName, kwargs }, { sortKeys: true });
}

export function toolRequestHash(identity: ToolInvocationIdentity): string {
  return sha256Hex(toolCanonicalString(identity));
}

export function sha256Hex(text: string): string {
  // The one-shot form (Node ≥ 20.12) skips building a Hash object: it is on the replay path.
  return typeof hash === "function"
    ? hash("sha256", text, "hex")
    : createHash("sha256").update(text, "utf8").digest("hex");
}

/** The URL's path, as Python's urlparse gives it: no query, no host. */
export function urlPath(url: string): string {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd < 0) return url.split(/[?#]/)[0] ?? "";
  const pathStart = url.indexOf("/", schemeEnd + 3);
  if (pathStart < 0) return "";
  return url.slice(pathStart).split(/[?#]/)[0] ?? "";
}

/** The URL's network location as Python's urlparse gives it (`netloc`: userinfo, host and port). */
export function urlNetloc(url: string): string {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd < 0) return "";
  const rest = url.slice(schemeEnd + 3);
  const end = rest.search(/[/?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The URL's host name, lower-cased, without userinfo or port. */
export function urlHost(url: string): string {
  const netloc = urlNetloc(url);
  const host = netloc.slice(netloc.lastIndexOf("@") + 1);
  return (
    host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? "")
  ).toLowerCase();
}
