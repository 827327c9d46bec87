/**
 * The test id that keys every recording. Inside a process it travels in an
 * AsyncLocalStorage context, so it survives any number of awaits; between processes
 * it travels in headers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { pythonJsonDumps } from "./json/python-json.ts";

export const TEST_ID_HEADER = "x-test-id";
/** Llama Stack's server reads the test id from its provider-data header. */
export const PROVIDER_DATA_HEADER = "x-llamastack-provider-data";
/** OGX, as Llama Stack is called since April 2026, renamed the header. */
export const OGX_PROVIDER_DATA_HEADER = "x-ogx-provider-data";

/**
 * The Playwright annotation under which a test ported from Llama Stack declares its Python
 * test id; its recordings may be keyed by that id, so `prune` counts the id as existing.
 */
export const LLAMA_STACK_ID_ANNOTATION = "llama-stack-id";

const storage = new AsyncLocalStorage<string>();

/** `<spec>::<title path>[stack=…-txt=…]` → `<spec>::<title path>`: the test, whatever it ran against. */
export function testIdWithoutParameters(testId: string): string {
  return testId.replace(/\[[^[\]]*=[^[\]]*\]$/, "");
}

export function currentTestId(): string | undefined {
  return storage.getStore();
}

export function runWithTestId<T>(testId: string | undefined, fn: () => T): T {
  return testId === undefined ? storage.exit(fn) : storage.run(testId, fn);
}

// Header values must be ByteStrings. Ids of printable ASCII travel as they are; any
// other id is percent-encoded behind RFC 8187's `UTF-8''` marker, so a plain id that
// happens to hold a `%` is never decoded by mistake.
const PLAIN_HEADER_VALUE = /^[\x20-\x7e]*$/;
const ENCODED_PREFIX = "UTF-8''";

/** Headers that carry `testId` to another process: ours and Llama Stack's form. */
export function testIdHeaders(testId: string): Record<string, string> {
  const plain =
    PLAIN_HEADER_VALUE.test(testId) && !testId.startsWith(ENCODED_PREFIX)
      ? testId
      : `${ENCODED_PREFIX}${encodeURIComponent(testId)}`;
  return {
    [TEST_ID_HEADER]: plain,
    [PROVIDER_DATA_HEADER]: pythonJsonDumps({ __test_id: testId }),
  };
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** A test-id header that cannot be read; a server answers it with a 400. */
export class TestIdHeaderError extends Error {
  override name = "TestIdHeaderError";
}

/** The test id an incoming request carries: X-Test-Id, else Llama Stack's or OGX's provider data. */
export function testIdFromHeaders(headers: HeaderSource): string | undefined {
  const plain = headerValue(headers, TEST_ID_HEADER);
  if (plain) {
    if (!plain.startsWith(ENCODED_PREFIX)) return plain;
    try {
      return decodeURIComponent(plain.slice(ENCODED_PREFIX.length));
    } catch {
      throw new TestIdHeaderError(
        `The ${TEST_ID_HEADER} header ${JSON.stringify(plain.slice(0, 80))} is not valid percent-encoded UTF-8 after ${ENCODED_PREFIX}.`,
      );
    }
  }
  const providerDataHeader = [PROVIDER_DATA_HEADER, OGX_PROVIDER_DATA_HEADER].find((name) =>
    headerValue(headers, name),
  );
  if (!providerDataHeader) return undefined;
  const providerData = headerValue(headers, providerDataHeader) ?? "";
  let parsed: { __test_id?: unknown };
  try {
    parsed = JSON.parse(providerData) as { __test_id?: unknown };
  } catch {
    throw new TestIdHeaderError(
      `The ${providerDataHeader} header is not valid JSON: ${providerData.slice(0, 80)}. Send {"__test_id": "<test id>"}.`,
    );
  }
  return typeof parsed.__test_id === "string" ? parsed.__test_id : undefined;
}
