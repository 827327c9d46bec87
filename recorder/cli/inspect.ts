/** Reading recordings for the CLI: their recomputed hashes and one-line summaries. */
import { recordingHash } from "../hashing/recording-hash.ts";
import { DEFAULT_HASH_SCHEME, type HashScheme } from "../hashing/schemes.ts";
import type { Recording } from "../storage/recording-types.ts";

export { describeCall, describeResponse } from "../describe-recording.ts";
export { hashInFileName } from "../hashing/recording-hash.ts";

/** The hash the recorder computes for the request a recording holds (undefined: a kind no scheme hashes). */
export function recomputedHash(
  recording: Recording,
  scheme: HashScheme = DEFAULT_HASH_SCHEME,
): string | undefined {
  return recordingHash(recording, scheme);
}
