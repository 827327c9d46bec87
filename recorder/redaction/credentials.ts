/**
 * The credentials one request carries, wherever it carries them: credential headers,
 * the provider-data header's key fields, the URL's userinfo and key-like query
 * parameters, and key-like body fields. Their values are then redacted wherever else
 * they show up (an upstream that echoes its request, an error message).
 */
import {
  isCredentialField,
  isCredentialHeader,
  isKeyLikeField,
  PROVIDER_DATA_HEADERS,
} from "./secret-names.ts";

export interface Secret {
  name: string;
  value: string;
}

export const REDACTED = "<redacted>";

/**
 * Shorter values would redact innocent text wherever it appears ("true", "1"); real keys
 * and tokens are far longer. Clients send placeholders ("scripted", "no-key") where a
 * provider needs none, so a credential the request carries must be longer still than
 * one from the environment.
 */
export const MIN_ENV_SECRET_LENGTH = 8;
export const MIN_CREDENTIAL_LENGTH = 12;
const AUTH_SCHEME = /^(Bearer|Basic|Token)\s+/i;

export function credential(name: string, raw: string): Secret | undefined {
  const value = raw.replace(AUTH_SCHEME, "");
  return value.length >= MIN_CREDENTIAL_LENGTH && !value.startsWith("<redacted")
    ? { name, value }
    : undefined;
}

/** Credential headers as `[name, value]`, and the key fields of provider-data headers. */
export function headerCredentials(headers: Iterable<[string, string]>): Secret[] {
  const found: Secret[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (isCredentialHeader(lower)) {
      const secret = credential(lower, value);
      if (secret) found.push(secret);
    } else if (PROVIDER_DATA_HEADERS.includes(lower)) {
      let data: unknown;
      try {
        data = JSON.parse(value);
      } catch {
        continue;
      }
      collectKeyLikeValues(data, found);
    }
  }
  return found;
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/** The URL's userinfo and the values of its key-like query parameters. */
export function urlCredentials(url: string): Secret[] {
  const found: Secret[] = [];
  const userinfo = USERINFO.exec(url)?.[2];
  if (userinfo) {
    for (const part of userinfo.split(":")) {
      const secret = credential("url", safeDecode(part));
      if (secret) found.push(secret);
    }
  }
  const query = url.indexOf("?");
  if (query >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(query + 1).split("#")[0])) {
      if (!isKeyLikeField(name)) continue;
      const secret = credential(name, value);
      if (secret) found.push(secret);
    }
  }
  return found;
}

/** The URL with its userinfo and key-like query parameters' values replaced. */
export function redactUrlCredentials(url: string): string {
  let redacted = url.replace(USERINFO, `$1${REDACTED}@`);
  if (!redacted.includes("?")) return redacted;
  redacted = redacted.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, separator: string, name: string) =>
    isKeyLikeField(safeDecode(name)) ? `${separator}${name}=${REDACTED}` : whole,
  );
  return redacted;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The string values of key-like fields anywhere in `value`. */
export function collectKeyLikeValues(value: unknown, found: Secret[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeyLikeValues(item, found);
  } else if (value !== null && typeof value === "object" && value.constructor === Object) {
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item !== "string") collectKeyLikeValues(item, found);
      else if (isCredentialField(value as Record<string, unknown>, key)) {
        const secret = credential(key, item);
        if (secret) found.push(secret);
      }
    }
  }
}
