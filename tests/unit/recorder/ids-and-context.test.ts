import { expect, test } from "@playwright/test";
import {
  createRecorder,
  currentTestId,
  runWithTestId,
  testIdFromHeaders,
  testIdHeaders,
} from "../../../recorder/index.ts";
import { temporaryRecordingDir } from "./support/fixtures.ts";

const TEST_ID =
  "tests/integration/responses/basic.spec.ts::non-streaming basic[stack=local-txt=scripted/assistant]";
const random = () => `random-${Math.random()}`;

test("ids follow Llama Stack's scheme: per test and kind, counting up from sha256(test id) mod 10^12", () => {
  const recorder = createRecorder({ mode: "replay", recordingDir: temporaryRecordingDir() });
  const minted = recorder.withTestId(TEST_ID, () => [
    recorder.mintId("file", random),
    recorder.mintId("file", random),
    recorder.mintId("vector_store", random),
    recorder.mintId("response", random),
  ]);
  // Computed with Python: int(sha256(test_id).hexdigest(), 16) % 10**12 + 1 == 636947623221.
  expect(minted).toEqual(["file-636947623221", "file-636947623222", "vs_636947623221", "resp_636947623221"]);
});

test("ids fall back to the caller's generator outside a test, in live mode, and for unknown kinds", () => {
  const recorder = createRecorder({ mode: "replay", recordingDir: temporaryRecordingDir() });
  expect(recorder.mintId("file", () => "file-abc")).toBe("file-abc");
  expect(recorder.withTestId(TEST_ID, () => recorder.mintId("widget", () => "widget-1"))).toBe("widget-1");
  const live = createRecorder({ mode: "live", recordingDir: temporaryRecordingDir() });
  expect(live.withTestId(TEST_ID, () => live.mintId("file", () => "file-live"))).toBe("file-live");
});

test("a test's ids and clock restart when the test begins again, and differ between tests", () => {
  const recorder = createRecorder({ mode: "record", recordingDir: temporaryRecordingDir() });
  const run = (testId: string) => {
    recorder.beginTest(testId);
    return recorder.withTestId(testId, () => [
      recorder.mintId("message", random),
      recorder.now(),
      recorder.now(),
    ]);
  };
  const first = run(TEST_ID);
  expect(run(TEST_ID)).toEqual(first);
  expect(first[2]).toBe((first[1] as number) + 1);
  expect(run("tests/integration/responses/other.spec.ts::x")[0]).toBe("msg_194078928784");
});

test("the clock is real time outside a test", () => {
  const recorder = createRecorder({ mode: "replay", recordingDir: temporaryRecordingDir() });
  expect(Math.abs(recorder.now() - Date.now() / 1000)).toBeLessThan(5);
});

test("the test id survives awaits and stays isolated between concurrent tests", async () => {
  const observe = async (testId: string) =>
    runWithTestId(testId, async () => {
      const seen: Array<string | undefined> = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        seen.push(currentTestId());
      }
      return seen;
    });
  const [a, b] = await Promise.all([observe("a.spec.ts::one"), observe("b.spec.ts::two")]);
  expect(a).toEqual(Array(5).fill("a.spec.ts::one"));
  expect(b).toEqual(Array(5).fill("b.spec.ts::two"));
  expect(currentTestId()).toBeUndefined();
});

test("the test id crosses processes in X-Test-Id and in Llama Stack's provider-data header", () => {
  const testId = "tests/integration/responses/ünïcode.spec.ts::a 100% > b[stack=local]";
  const headers = new Headers(testIdHeaders(testId));
  expect(testIdFromHeaders(headers)).toBe(testId);
  const plain = "tests/integration/responses/basic.spec.ts::basic[stack=local]";
  expect(testIdHeaders(plain)["x-test-id"]).toBe(plain);
  expect(testIdFromHeaders({ "X-LlamaStack-Provider-Data": JSON.stringify({ __test_id: testId }) })).toBe(
    testId,
  );
  expect(testIdFromHeaders(new Headers())).toBeUndefined();
  // A malformed header is refused without quoting it back: provider data carries keys.
  const malformed = '{"openai_api_key": sk-proj-malformed0123456789, "__test_id": "x"';
  let message = "";
  try {
    testIdFromHeaders({ "x-llamastack-provider-data": malformed });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toBe(
    "The x-llamastack-provider-data header is not valid JSON (its value is not shown: provider data may hold keys). " +
      'Send {"__test_id": "<test id>"}.',
  );
  expect(message).not.toContain("sk-proj");
});

test("withRequestContext binds the test id a request carries", async () => {
  const recorder = createRecorder({ mode: "replay", recordingDir: temporaryRecordingDir() });
  const seen = await recorder.withRequestContext(new Headers(testIdHeaders(TEST_ID)), async () => {
    await Promise.resolve();
    return recorder.currentTestId();
  });
  expect(seen).toBe(TEST_ID);
});

test("a plain id holding % travels unencoded, and only marked values are decoded", () => {
  const testId = "tests/integration/responses/sale.spec.ts::50% off > 100%25 literal[stack=local]";
  expect(testIdHeaders(testId)["x-test-id"]).toBe(testId);
  expect(testIdFromHeaders({ "x-test-id": testId })).toBe(testId);
  expect(() => testIdFromHeaders({ "x-test-id": "UTF-8''%E0%A4%A" })).toThrow(
    /The x-test-id header "UTF-8''%E0%A4%A" is not valid percent-encoded UTF-8/,
  );
});
