/**
 * The hash of the request a recording holds, recomputed under each scheme: what its
 * file should be named, and which scheme (if any) named it.
 */
import { basename } from "node:path";
import { type Recording, recordingKind, testIdOf } from "../storage/recording-types.ts";
import { httpRequestHash, inferenceRequestHash, toolRequestHash } from "./request-hash.ts";
import { HASH_SCHEMES, type HashScheme } from "./schemes.ts";

/** The recording's request hash under `scheme`; undefined for kinds no scheme hashes (OGX's file processors). */
export function recordingHash(recording: Recording, scheme: HashScheme): string | undefined {
  const { request } = recording;
  switch (recordingKind(recording)) {
    case "tool": {
      const { provider, tool_name, kwargs } = request as {
        provider: string;
        tool_name: string;
        kwargs: Record<string, unknown>;
      };
      return toolRequestHash({ provider, toolName: tool_name, kwargs });
    }
    case "http": {
      // OGX hashes raw HTTP requests one way only; the request keeps the test id it hashed.
      const { url, method, payload, test_id } = request as {
        url: string;
        method: string;
        payload: unknown;
        test_id?: string | null;
      };
      return httpRequestHash({
        url,
        method,
        payload,
        testId: test_id !== undefined ? test_id : testIdOf(recording),
      });
    }
    case "inference": {
      const { method, url, body } = request as { method: string; url: string; body: unknown };
      return inferenceRequestHash({ method, url, body, testId: testIdOf(recording) }, scheme);
    }
    default:
      return undefined;
  }
}

/** The hash a file's name claims: `<hash>.json` or `models-<hash>-<digest>.json`. */
export function hashInFileName(file: string): string | undefined {
  return /^(?:models-)?([0-9a-f]{64})(?:-[0-9a-f]{8})?\.json$/.exec(basename(file))?.[1];
}

export interface NameCheck {
  /** The hash in the file's name, if it has one. */
  named: string | undefined;
  /** The request's hash under each scheme (undefined for kinds no scheme hashes). */
  hashes: Record<HashScheme, string | undefined>;
  /** The schemes whose hash the name is. */
  namedBy: HashScheme[];
}

export function checkName(file: string, recording: Recording): NameCheck {
  const named = hashInFileName(file);
  const hashes = Object.fromEntries(
    HASH_SCHEMES.map((scheme) => [scheme, recordingHash(recording, scheme)]),
  ) as Record<HashScheme, string | undefined>;
  return {
    named,
    hashes,
    namedBy: HASH_SCHEMES.filter((scheme) => named !== undefined && hashes[scheme] === named),
  };
}
