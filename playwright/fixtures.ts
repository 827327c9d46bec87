/**
 * Playwright fixtures for a project that tests its own stack with the recorder inside:
 *
 *     import { test, expect } from "responses-harness/fixtures";
 *
 * - `recorderOptions` (worker option): the recorder's mode, folder, upstream, …; the mode
 *   and folder default to STACK_TEST_INFERENCE_MODE and STACK_TEST_RECORDING_DIR, a
 *   relative folder is the project root's (the Playwright config's folder);
 * - `recorderPorts` (worker): the adapters a stack built once per worker takes (`fetch`,
 *   `invokeTool`, `mintId`, `now`, …); a call that carries no test id of its own is filed
 *   under the test running in the worker;
 * - `testIdParameters` (option): what the test runs against, appended to its id as
 *   `[…]` (e.g. `stack=mine-txt=gpt-4o`);
 * - `testId`: `<spec path>::<title path>[parameters]`, which keys its recordings;
 * - `recorder` (automatic): the recorder bound to this test: its `fetch` for an OpenAI
 *   client, `headers` for a stack in another process, and what it replayed or recorded so
 *   far. After the test all of it, and any replay miss, is attached to the report.
 */
import { relative, resolve } from "node:path";
import { test as base, expect, type TestInfo } from "@playwright/test";
import {
  type ApiRecorder,
  CurrentTest,
  createRecorder,
  defaultRecordCommand,
  type FetchLike,
  type InferenceMode,
  type InteractionSummary,
  Journal,
  RECORDING_DIR_ENV,
  type RecorderOptions,
  type RecorderPorts,
  runWithTestId,
  testIdHeaders,
} from "../recorder/index.ts";
import { attachJournal } from "./attachments.ts";
import { projectRootOf, testIdFor } from "./test-id.ts";

export interface TestRecorder {
  testId: string;
  mode: InferenceMode;
  /** A `fetch` that records and replays under this test: hand it to an OpenAI client. */
  fetch: FetchLike;
  invokeTool: ApiRecorder["invokeTool"];
  /** The headers that carry this test's id to a stack in another process (X-Test-Id, provider data). */
  headers: Record<string, string>;
  /** The upstream calls answered for this test so far, replayed or recorded. */
  interactions(): InteractionSummary[];
  /** The replay misses so far, each with the nearest recording and the command that records it. */
  misses(): string[];
}

export interface RecorderWorkerFixtures {
  recorderOptions: RecorderOptions;
  recorderPorts: RecorderPorts;
  /** The worker's recorder, the test running in it, and what each test did. */
  workerRecorder: { recorder: ApiRecorder; current: CurrentTest; journal: Journal; running: RunningTest };
}

export interface RecorderTestFixtures {
  testIdParameters: string | undefined;
  testId: string;
  recorder: TestRecorder;
}

interface RunningTest {
  info?: Pick<TestInfo, "file" | "line">;
}

export const test = base.extend<RecorderTestFixtures, RecorderWorkerFixtures>({
  recorderOptions: [{}, { option: true, scope: "worker" }],

  workerRecorder: [
    async ({ recorderOptions }, use, workerInfo) => {
      const root = projectRootOf(workerInfo.config);
      const running: RunningTest = {};
      const env = recorderOptions.env ?? process.env;
      const recorder = createRecorder({
        ...recorderOptions,
        recordingDir: resolve(root, recorderOptions.recordingDir ?? (env[RECORDING_DIR_ENV] || "recordings")),
        recordCommand:
          recorderOptions.recordCommand ??
          ((request) =>
            running.info
              ? `STACK_TEST_INFERENCE_MODE=record-if-missing npx playwright test ${relative(process.cwd(), running.info.file)}:${running.info.line} (with the provider's API key exported)`
              : defaultRecordCommand(request)),
      });
      await use({ recorder, current: new CurrentTest(recorder), journal: new Journal(recorder), running });
    },
    { scope: "worker" },
  ],

  recorderPorts: [async ({ workerRecorder }, use) => use(workerRecorder.current.ports), { scope: "worker" }],

  testIdParameters: [undefined, { option: true }],

  testId: async ({ testIdParameters }, use, testInfo) => {
    await use(testIdFor(testInfo, projectRootOf(testInfo.config), testIdParameters));
  },

  recorder: [
    async ({ workerRecorder, testId }, use, testInfo) => {
      const { recorder, current, journal, running } = workerRecorder;
      journal.begin(testId);
      current.set(testId);
      running.info = testInfo;
      const bound = <T>(fn: () => T): T => runWithTestId(testId, fn);
      try {
        await use({
          testId,
          mode: recorder.mode,
          fetch: (input, init) => bound(() => recorder.fetch(input, init)),
          invokeTool: (provider, toolName, kwargs, run) =>
            bound(() => recorder.invokeTool(provider, toolName, kwargs, run)),
          headers: testIdHeaders(testId),
          interactions: () => journal.peek(testId).interactions,
          misses: () => journal.peek(testId).misses,
        });
      } finally {
        current.set(undefined);
        running.info = undefined;
      }
      await attachJournal(testInfo, testId, recorder.mode, journal.take(testId));
    },
    { auto: true },
  ],
});

export { expect };
