/**
 * The two request-hash schemes a recording may be named by: Llama Stack 0.2's (what its
 * 0.2 recordings, and this recorder's first files, are named by) and OGX 0.8's (Llama
 * Stack renamed, May 2026), the default for new recordings. Lookups fall back from one
 * to the other, so files of either keep replaying.
 */
export const HASH_SCHEMES = ["llama-stack-0.2", "ogx-0.8"] as const;
export type HashScheme = (typeof HASH_SCHEMES)[number];

export const HASH_SCHEME_ENV = "STACK_TEST_HASH_SCHEME";
export const DEFAULT_HASH_SCHEME: HashScheme = "ogx-0.8";

export function parseHashScheme(value: string | undefined, source = HASH_SCHEME_ENV): HashScheme {
  if (value === undefined || value === "") return DEFAULT_HASH_SCHEME;
  const scheme = value.trim().toLowerCase();
  if ((HASH_SCHEMES as readonly string[]).includes(scheme)) return scheme as HashScheme;
  throw new Error(
    `Unknown hash scheme ${JSON.stringify(value)} (from ${source}). Valid schemes: ${HASH_SCHEMES.join(", ")}.`,
  );
}

/** The scheme a lookup tries when the active one misses. */
export function otherScheme(scheme: HashScheme): HashScheme {
  return scheme === "ogx-0.8" ? "llama-stack-0.2" : "ogx-0.8";
}
