/**
 * Keeps secrets out of recordings: values of key-like fields, and any occurrence of
 * a secret taken from the environment (variables named *_API_KEY, *_TOKEN, *_SECRET).
 * Redaction happens before hashing as well as before writing, so a recording made with
 * a real key replays with a fake one.
 */
const KEY_LIKE_FIELD =
  /^(api[-_]?key|x[-_]api[-_]key|authorization|proxy[-_]authorization|access[-_]?token|refresh[-_]?token|id[-_]?token|bearer[-_]?token|auth[-_]?token|client[-_]?secret|password)$/i;
const SECRET_ENV_NAME = /(_API_KEY|_TOKEN|_SECRET)$/;
/** Shorter values ("1", "true") would redact innocent text. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = "<redacted>";

export interface EnvSecret {
  name: string;
  value: string;
}

export function secretsFromEnv(env: Record<string, string | undefined>): EnvSecret[] {
  const secrets: EnvSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV_NAME.test(name) && value && value.length >= MIN_SECRET_LENGTH)
      secrets.push({ name, value });
  }
  // Longest first, so a secret that contains another is replaced whole.
  return secrets.sort((a, b) => b.value.length - a.value.length);
}

/** Headers that carry credentials; their values are redacted wherever else they show up. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key"];

export class Redactor {
  constructor(private readonly secrets: readonly EnvSecret[]) {}

  /** This redactor plus the credentials one request carries, so an upstream echo of them is caught too. */
  withRequestCredentials(body: unknown, headers?: Headers): Redactor {
    const found: EnvSecret[] = [];
    collectKeyLikeValues(body, found);
    for (const name of CREDENTIAL_HEADERS) {
      const value = headers?.get(name)?.replace(/^(Bearer|Basic|Token)\s+/i, "");
      if (value && value.length >= MIN_SECRET_LENGTH) found.push({ name, value });
    }
    if (found.length === 0) return this;
    return new Redactor([...this.secrets, ...found].sort((a, b) => b.value.length - a.value.length));
  }

  static fromEnv(env: Record<string, string | undefined> = process.env): Redactor {
    return new Redactor(secretsFromEnv(env));
  }

  text(value: string): string {
    let result = value;
    for (const { name, value: secret } of this.secrets) {
      if (result.includes(secret)) result = result.replaceAll(secret, `<redacted:${name}>`);
    }
    return result;
  }

  /** `value` with key-like fields and environment secrets replaced (a copy where needed). */
  value<T>(value: T): T {
    return this.#walk(value, true) as T;
  }

  /**
   * Only the known secret values (environment, request credentials): for response
   * bodies, whose fields named like keys are data (a logprob's `token`), not credentials.
   */
  knownSecrets<T>(value: T): T {
    return this.secrets.length ? (this.#walk(value, false) as T) : value;
  }

  // Returns `value` itself when nothing in it needs redacting: the hot replay path
  // redacts every request body and should not copy it.
  #walk(value: unknown, keyLikeFields: boolean): unknown {
    if (typeof value === "string") return this.secrets.length ? this.text(value) : value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, index) => {
        const redacted = this.#walk(item, keyLikeFields);
        if (redacted !== item) copy ??= value.slice();
        if (copy) copy[index] = redacted;
      });
      return copy ?? value;
    }
    if (value === null || typeof value !== "object" || value.constructor !== Object) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const redacted =
        keyLikeFields && KEY_LIKE_FIELD.test(key) && typeof item === "string"
          ? REDACTED
          : this.#walk(item, keyLikeFields);
      if (redacted !== item) copy ??= { ...value };
      if (copy) copy[key] = redacted;
    }
    return copy ?? value;
  }

  /** URLs may carry keys in their query (`?key=…`). */
  url(url: string): string {
    const redacted = this.text(url);
    return redacted.replace(/([?&])(api[-_]?key|key|token|access_token)=[^&#]*/gi, `$1$2=${REDACTED}`);
  }
}

function collectKeyLikeValues(value: unknown, found: EnvSecret[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeyLikeValues(item, found);
  } else if (value !== null && typeof value === "object" && value.constructor === Object) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === "string" && KEY_LIKE_FIELD.test(key) && item !== REDACTED) {
        const secret = item.replace(/^(Bearer|Basic|Token)\s+/i, "");
        if (secret.length >= MIN_SECRET_LENGTH) found.push({ name: key, value: secret });
      } else {
        collectKeyLikeValues(item, found);
      }
    }
  }
}
