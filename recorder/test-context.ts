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

const storage = new AsyncLocalStorage<string>();

export function currentTestId(): string | undefined {
  return storage.getStore();
}

export function runWithTestId<T>(testId: string | undefined, fn: () => T): T {
  return testId === undefined ? storage.exit(fn) : storage.run(testId, fn);
}

// Header values must be ByteStrings; ids are usually plain ASCII and stay readable.
const NEEDS_ENCODING = /[^\x20-\x24\x26-\x7e]/;

/** Headers that carry `testId` to another process: ours and Llama Stack's form. */
export function testIdHeaders(testId: string): Record<string, string> {
  const plain = NEEDS_ENCODING.test(testId) ? encodeURIComponent(testId) : testId;
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

/** The test id an incoming request carries, from either header form. */
export function testIdFromHeaders(headers: HeaderSource): string | undefined {
  const plain = headerValue(headers, TEST_ID_HEADER);
  if (plain) return plain.includes("%") ? decodeURIComponent(plain) : plain;
  const providerData = headerValue(headers, PROVIDER_DATA_HEADER);
  if (!providerData) return undefined;
  try {
    const parsed = JSON.parse(providerData) as { __test_id?: unknown };
    return typeof parsed.__test_id === "string" ? parsed.__test_id : undefined;
  } catch {
    throw new Error(
      `The ${PROVIDER_DATA_HEADER} header is not valid JSON: ${providerData.slice(0, 80)}. Send {"__test_id": "<test id>"}.`,
    );
  }
}
