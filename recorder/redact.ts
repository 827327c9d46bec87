/**
 * Keeps secrets out of recordings: values of key-like fields, credential headers, and
 * any occurrence of a secret taken from the environment (variables named *_API_KEY,
 * *_TOKEN, *_SECRET) or carried by the request itself. Redaction happens before
 * hashing as well as before writing, so a recording made with a real key replays
 * with a fake one.
 */
const SECRET_ENV_NAME = /(_API_KEY|_TOKEN|_SECRET)$/;
/**
 * Shorter values would redact innocent text wherever it appears ("true", "1"); real
 * keys and tokens are far longer. A credential the request carries must be longer still,
 * since clients send placeholders ("scripted", "no-key") where a provider needs none.
 */
const MIN_ENV_SECRET_LENGTH = 8;
const MIN_CREDENTIAL_LENGTH = 12;
/** Field names, lower-cased with `-` and `_` removed, whose string values are credentials. */
const KEY_LIKE_FIELDS = new Set([
  "apikey",
  "xapikey",
  "authorization",
  "proxyauthorization",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "bearertoken",
  "authtoken",
  "clientsecret",
  "password",
]);
/** Headers that carry credentials; their values are redacted wherever else they show up. */
export const CREDENTIAL_HEADERS: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
];
const AUTH_SCHEME = /^(Bearer|Basic|Token)\s+/i;

export const REDACTED = "<redacted>";

export interface Secret {
  name: string;
  value: string;
}

export function isKeyLikeField(name: string): boolean {
  return KEY_LIKE_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ""));
}

export function secretsFromEnv(env: Record<string, string | undefined>): Secret[] {
  const secrets: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV_NAME.test(name) && value && value.length >= MIN_ENV_SECRET_LENGTH)
      secrets.push({ name, value });
  }
  return secrets;
}

function credential(name: string, raw: string): Secret | undefined {
  const value = raw.replace(AUTH_SCHEME, "");
  return value.length >= MIN_CREDENTIAL_LENGTH && value !== REDACTED ? { name, value } : undefined;
}

export class Redactor {
  readonly #secrets: readonly Secret[];

  constructor(secrets: readonly Secret[]) {
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = [...secrets].sort((a, b) => b.value.length - a.value.length);
  }

  static fromEnv(env: Record<string, string | undefined> = process.env): Redactor {
    return new Redactor(secretsFromEnv(env));
  }

  /**
   * Redacts a request body: key-like fields become `<redacted>`, and their values,
   * the credential headers' values and environment secrets are replaced wherever else
   * they appear. Returns the body (the same object when nothing needed redacting) and
   * a redactor that also knows this request's credentials, for what upstream answers.
   */
  request(
    body: unknown,
    credentialHeaders: ReadonlyArray<[string, string]> = [],
  ): {
    body: unknown;
    redactor: Redactor;
  } {
    const found: Secret[] = [];
    for (const [name, value] of credentialHeaders) {
      const secret = credential(name, value);
      if (secret) found.push(secret);
    }
    collectKeyLikeValues(body, found);
    const redactor = found.length ? new Redactor([...this.#secrets, ...found]) : this;
    return { body: redactor.#walk(body, true), redactor };
  }

  /**
   * Only the known secret values: for response bodies, whose fields named like keys
   * are data (a logprob's `token`), not credentials.
   */
  knownSecrets<T>(value: T): T {
    return this.#secrets.length ? (this.#walk(value, false) as T) : value;
  }

  text(value: string): string {
    let result = value;
    for (const { name, value: secret } of this.#secrets) {
      if (result.includes(secret)) result = result.replaceAll(secret, `<redacted:${name}>`);
    }
    return result;
  }

  /** URLs may carry keys in their query (`?key=…`). */
  url(url: string): string {
    const redacted = this.text(url);
    return redacted.includes("?")
      ? redacted.replace(/([?&])(api[-_]?key|key|token|access_token)=[^&#]*/gi, `$1$2=${REDACTED}`)
      : redacted;
  }

  // Returns `value` itself when nothing in it needs redacting: the hot replay path
  // redacts every request body and should not copy it.
  #walk(value: unknown, keyLikeFields: boolean): unknown {
    if (typeof value === "string") return this.#secrets.length ? this.text(value) : value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const redacted = this.#walk(item, keyLikeFields);
        if (redacted !== item) copy ??= value.slice();
        if (copy) copy[index] = redacted;
      }
      return copy ?? value;
    }
    if (value === null || typeof value !== "object" || value.constructor !== Object) return value;
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      const redacted =
        keyLikeFields && typeof item === "string" && isKeyLikeField(key)
          ? REDACTED
          : this.#walk(item, keyLikeFields);
      if (redacted !== item) copy ??= { ...value };
      if (copy) copy[key] = redacted;
    }
    return copy ?? value;
  }
}

function collectKeyLikeValues(value: unknown, found: Secret[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeyLikeValues(item, found);
  } else if (value !== null && typeof value === "object" && value.constructor === Object) {
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item !== "string") collectKeyLikeValues(item, found);
      else if (isKeyLikeField(key)) {
        const secret = credential(key, item);
        if (secret) found.push(secret);
      }
    }
  }
}
