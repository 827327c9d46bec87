/**
 * Request identity, computed exactly as Llama Stack's (and OGX's) api_recorder does,
 * under either hash scheme, so that a recording made by either side is found by the other.
 */
import { createHash, hash } from "node:crypto";
import { pythonJsonDumps, pythonJsonString } from "../json/python-json.ts";
import { LEAF_NORMALIZERS, normalizeRootOgx } from "./body-normalization.ts";
import { DEFAULT_HASH_SCHEME, type HashScheme } from "./schemes.ts";

/** Shared infrastructure endpoints: their recordings serve every test, so no test id. */
export const MODEL_LIST_ENDPOINTS: ReadonlySet<string> = new Set([
  "/v1/models",
  "/api/tags",
  "/v1/openai/v1/models",
]);

export interface InferenceRequestIdentity {
  method: string;
  /** The full URL; only its path counts. */
  url: string;
  body: unknown;
  testId: string | null;
}

/** The body as the scheme hashes it: normalized (see body-normalization.ts), Python's spelling. */
function normalizedBodyText(body: unknown, scheme: HashScheme, url: string): string {
  const root = scheme === "ogx-0.8" ? normalizeRootOgx(body, urlNetloc(url).includes("bedrock")) : body;
  return pythonJsonDumps(root, { sortKeys: true, mapLeaf: LEAF_NORMALIZERS[scheme] });
}

/** The canonical string that is hashed; exposed so tests and diagnostics can show it. */
export function inferenceCanonicalString(
  { method, url, body, testId }: InferenceRequestIdentity,
  scheme: HashScheme = DEFAULT_HASH_SCHEME,
): string {
  const endpoint = urlPath(url);
  // json.dumps(sort_keys=True) of {method, endpoint, body, test_id}, composed by hand
  // so that only the body is normalized, in the same pass that writes it.
  const members = [
    `"body": ${normalizedBodyText(body, scheme, url)}`,
    `"endpoint": ${pythonJsonString(endpoint)}`,
    `"method": ${pythonJsonString(method.toUpperCase())}`,
  ];
  if (!MODEL_LIST_ENDPOINTS.has(endpoint)) {
    members.push(`"test_id": ${testId === null ? "null" : pythonJsonString(testId)}`);
  }
  return `{${members.join(", ")}}`;
}

export function inferenceRequestHash(
  identity: InferenceRequestIdentity,
  scheme: HashScheme = DEFAULT_HASH_SCHEME,
): string {
  return sha256Hex(inferenceCanonicalString(identity, scheme));
}

/**
 * A raw HTTP request, as OGX 0.8 records its rerank and passthrough calls: the whole URL
 * counts, not just its path, and the payload is normalized as a body is.
 */
export interface HttpRequestIdentity {
  url: string;
  method: string;
  payload: unknown;
  testId: string | null;
}

export function httpCanonicalString({ url, method, payload, testId }: HttpRequestIdentity): string {
  // OGX normalizes the payload without the Bedrock rule (it is no inference call).
  const payloadText = pythonJsonDumps(normalizeRootOgx(payload, false), {
    sortKeys: true,
    mapLeaf: LEAF_NORMALIZERS["ogx-0.8"],
  });
  return (
    `{"method": ${pythonJsonString(method.toUpperCase())}, "payload": ${payloadText}, ` +
    `"test_id": ${testId === null ? "null" : pythonJsonString(testId)}, "url": ${pythonJsonString(url)}}`
  );
}

export function httpRequestHash(identity: HttpRequestIdentity): string {
  return sha256Hex(httpCanonicalString(identity));
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
