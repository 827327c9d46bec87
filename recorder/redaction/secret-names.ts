/** Which names hold credentials: body fields, URL query parameters, headers, environment variables. */

/**
 * Field and query-parameter names, compared lower-cased with `-` and `_` removed:
 * anything holding `key`, `token` or `secret` (`api_key`, `x-api-key`, `private_key`,
 * `access_token`, `client_secret`, `key`, `token`), and a few credential words.
 */
const KEY_LIKE_PART = /key|token|secret|passw(?:or)?d|authoriz|credential|cookie|signature/;
const KEY_LIKE_NAME = new Set(["auth", "sig", "pwd"]);

/**
 * Parameters of the APIs recorded whose names look like credentials but are not: OpenAI's
 * `prompt_cache_key` (real OGX recordings hash it as sent; redacting it would miss them).
 */
const NOT_CREDENTIALS = new Set(["promptcachekey"]);

export function isKeyLikeField(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, "");
  if (NOT_CREDENTIALS.has(normalized)) return false;
  return KEY_LIKE_PART.test(normalized) || KEY_LIKE_NAME.has(normalized);
}

/** A filter's `{"type": "eq", "key": "region", "value": …}` names an attribute, not a credential. */
const FILTER_TYPES = new Set(["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]);

/** True when `record[field]` holds a credential: a key-like name, in a place where it is not data. */
export function isCredentialField(record: Record<string, unknown>, field: string): boolean {
  if (!isKeyLikeField(field)) return false;
  return !(
    field === "key" &&
    typeof record.type === "string" &&
    FILTER_TYPES.has(record.type) &&
    "value" in record
  );
}

/** Environment variables whose values are secrets wherever they appear. */
const SECRET_ENV_NAME = /(_API_KEY|_KEY|_TOKEN|_SECRET|_PASSWORD)$/;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

/** Headers that carry credentials; their values are redacted wherever else they show up. */
export function isCredentialHeader(name: string): boolean {
  return isKeyLikeField(name) || name.toLowerCase() === "proxy-authorization";
}

/**
 * Headers whose JSON value carries per-request provider credentials next to the test id
 * (`{"openai_api_key": …, "__test_id": …}`): Llama Stack's and OGX's.
 */
export const PROVIDER_DATA_HEADERS: readonly string[] = ["x-llamastack-provider-data", "x-ogx-provider-data"];
