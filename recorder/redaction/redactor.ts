/**
 * Keeps secrets out of everything the recorder writes or says: values of key-like
 * fields, and any occurrence of a secret taken from the environment (variables named
 * *_API_KEY, *_KEY, *_TOKEN, *_SECRET, *_PASSWORD) or carried by the request itself
 * (headers, provider data, URL userinfo and query, body fields). Redaction happens before
 * hashing as well as before writing, so a recording made with a real key replays with a
 * fake one.
 */
import {
  collectKeyLikeValues,
  MIN_ENV_SECRET_LENGTH,
  REDACTED,
  redactUrlCredentials,
  type Secret,
} from "./credentials.ts";
import { isCredentialField, isSecretEnvName } from "./secret-names.ts";

export { REDACTED, type Secret };

export function secretsFromEnv(env: Record<string, string | undefined>): Secret[] {
  const secrets: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (isSecretEnvName(name) && value && value.length >= MIN_ENV_SECRET_LENGTH)
      secrets.push({ name, value });
  }
  return secrets;
}

export class Redactor {
  /** Longest first, so a secret that contains another is replaced whole. */
  readonly secrets: readonly Secret[];

  constructor(secrets: readonly Secret[]) {
    const unique = new Map(secrets.map((secret) => [secret.value, secret]));
    this.secrets = [...unique.values()].sort((a, b) => b.value.length - a.value.length);
  }

  static fromEnv(env: Record<string, string | undefined> = process.env): Redactor {
    return new Redactor(secretsFromEnv(env));
  }

  /** This redactor, also knowing `secrets` (the same object when there are none). */
  with(secrets: readonly Secret[]): Redactor {
    return secrets.length ? new Redactor([...this.secrets, ...secrets]) : this;
  }

  /**
   * Redacts a request body: key-like fields become `<redacted>`, and their values, the
   * request's other credentials and environment secrets are replaced wherever else they
   * appear. Returns the body (the same object when nothing needed redacting) and a
   * redactor that also knows this request's credentials, for what upstream answers.
   */
  request(body: unknown, credentials: readonly Secret[] = []): { body: unknown; redactor: Redactor } {
    const found = [...credentials];
    collectKeyLikeValues(body, found);
    const redactor = this.with(found);
    return { body: redactor.#walk(body, true), redactor };
  }

  /**
   * Only the known secret values: for response bodies, whose fields named like keys
   * are data (a logprob's `token`), not credentials.
   */
  knownSecrets<T>(value: T): T {
    return this.secrets.length ? (this.#walk(value, false) as T) : value;
  }

  text(value: string): string {
    let result = value;
    for (const { name, value: secret } of this.secrets) {
      if (result.includes(secret)) result = result.replaceAll(secret, `<redacted:${name}>`);
    }
    return result;
  }

  /** URLs may carry keys in their userinfo and query (`?key=…`). */
  url(url: string): string {
    return redactUrlCredentials(this.text(url));
  }

  /** Redacts an error's message and stack in place (its class and fields stay), and returns it. */
  error<T>(error: T): T {
    if (!(error instanceof Error) || this.secrets.length === 0) return error;
    error.message = this.text(error.message);
    if (error.stack) error.stack = this.text(error.stack);
    if (error.cause !== undefined) this.error(error.cause);
    return error;
  }

  // Returns `value` itself when nothing in it needs redacting: the hot replay path
  // redacts every request body and should not copy it.
  #walk(value: unknown, keyLikeFields: boolean): unknown {
    if (typeof value === "string") return this.secrets.length ? this.text(value) : value;
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
        keyLikeFields &&
        typeof item === "string" &&
        isCredentialField(value as Record<string, unknown>, key) &&
        !item.startsWith("<redacted")
          ? REDACTED
          : this.#walk(item, keyLikeFields);
      if (redacted !== item) copy ??= { ...value };
      if (copy) copy[key] = redacted;
    }
    return copy ?? value;
  }
}
