/** A TypeScript consumer: every entry point resolves to its declarations (an `any` would fail the expect-errors). */
import { expect, test } from "responses-harness/fixtures";
import { type RecordingProxyServer, startRecordingProxy } from "responses-harness/proxy";
import { type ApiRecorder, createRecorder, type InferenceMode } from "responses-harness/recorder";

const recorder: ApiRecorder = createRecorder({ mode: "replay" });
export const mode: InferenceMode = recorder.mode;
// @ts-expect-error: a fetch takes a URL or a Request
void recorder.fetch(42);

test("typed fixtures", async ({ recorder: testRecorder, testId, recorderPorts }) => {
  const id: string = testId;
  const calls: string[] = testRecorder.interactions().map((interaction) => interaction.call);
  expect([id, calls, recorderPorts.currentTestId()]).toBeTruthy();
  // @ts-expect-error: the test's recorder has no such member
  void testRecorder.nothing;
});

export const proxy: Promise<RecordingProxyServer> = startRecordingProxy({ upstreams: [] });
// @ts-expect-error: upstreams are required
void startRecordingProxy({});
