/** Which names hold credentials: body fields, URL query parameters, headers, environment variables. */

/**
 * Field and query-parameter names, compared lower-cased with `-` and `_` removed:
 * anything holding `key`, `token` or `secret` (`api_key`, `x-api-key`, `private_key`,
 * `access_token`, `client_secret`, `key`, `token`), and a few credential words.
 */
const KEY_LIKE_PART = /key|token|secret|passw(?:or)?d|authoriz|credential|cookie|signature/;
const KEY_LIKE_NAME = new Set(["auth", "sig", "pwd"]);

export function isKeyLikeField(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, "");
  return KEY_LIKE_PART.test(normalized) || KEY_LIKE_NAME.has(normalized);
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
