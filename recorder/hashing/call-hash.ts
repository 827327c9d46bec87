/**
 * The hash a call is filed under, per scheme, and the hashes a lookup falls back to.
 * Under OGX 0.8, the calls OGX records as raw HTTP (rerank, and the Messages and
 * Interactions passthroughs) hash their whole URL and payload; everything else is an
 * inference call, hashed by path and normalized body.
 */
import { llamaStackUrl } from "../http/endpoints.ts";
import { httpRequestHash, type InferenceRequestIdentity, inferenceRequestHash } from "./request-hash.ts";
import { type HashScheme, otherScheme } from "./schemes.ts";

/** What OGX intercepts below its SDK clients (aiohttp's and httpx's POST), by URL. */
const RAW_HTTP_URL = /\/rerank|\/v1\/messages|\/interactions/;

export function isRawHttpCall(method: string, url: string): boolean {
  return method.toUpperCase() === "POST" && RAW_HTTP_URL.test(url);
}

/** True when `scheme` files this call as a raw HTTP request rather than an inference call. */
export function filedAsRawHttp(identity: InferenceRequestIdentity, scheme: HashScheme): boolean {
  return scheme === "ogx-0.8" && isRawHttpCall(identity.method, identity.url);
}

export function callHash(identity: InferenceRequestIdentity, scheme: HashScheme): string {
  if (filedAsRawHttp(identity, scheme)) {
    const { url, method, body, testId } = identity;
    return httpRequestHash({ url, method, payload: body, testId });
  }
  return inferenceRequestHash(identity, scheme);
}

/**
 * The hashes to try after `first` (the active scheme's) missed, in order: the other
 * scheme's, then both for the URL Llama Stack's recorder would have stored. Computed one
 * at a time, only as far as the lookup goes.
 */
export function* fallbackHashes(
  identity: InferenceRequestIdentity,
  scheme: HashScheme,
  first: string,
): Generator<string> {
  const seen = new Set([first]);
  const fresh = function* (hash: string) {
    if (!seen.has(hash)) {
      seen.add(hash);
      yield hash;
    }
  };
  yield* fresh(callHash(identity, otherScheme(scheme)));
  const url = llamaStackUrl(identity.url);
  if (!url) return;
  yield* fresh(callHash({ ...identity, url }, scheme));
  yield* fresh(callHash({ ...identity, url }, otherScheme(scheme)));
}
