/**
 * Tool invocations (web search, …) recorded like inference, keyed by Llama Stack's
 * tool hash of `{provider, tool_name, kwargs}`: the test id is not part of it.
 */
import type { RecorderCore } from "./core.ts";
import { unwrapTyped } from "./http/endpoints.ts";
import { readsRecordings } from "./mode.ts";
import { toolRequestHash } from "./request-hash.ts";
import type { ToolRecording } from "./storage/recording-file.ts";
import { currentTestId } from "./test-context.ts";

export async function invokeRecordedTool<T>(
  core: RecorderCore,
  provider: string,
  toolName: string,
  kwargs: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const testId = currentTestId() ?? null;
  const { body: redacted, redactor } = core.redactor.request(kwargs);
  const redactedKwargs = redacted as Record<string, unknown>;
  const hash = toolRequestHash({ provider, toolName, kwargs: redactedKwargs });
  const recordingOf = (body: unknown): ToolRecording => ({
    test_id: testId,
    request: { test_id: testId, provider, tool_name: toolName, kwargs: redactedKwargs },
    response: { body, is_streaming: false },
    id_normalization_mapping: {},
  });

  if (core.mode === "live") {
    // Passed through and written nowhere; listeners still hear of it.
    const result = await run();
    const body = redactor.knownSecrets(JSON.parse(JSON.stringify(result ?? null)) as unknown);
    core.emit({ testId, source: "live", hash, file: "", recording: recordingOf(body) });
    return result;
  }

  if (readsRecordings(core.mode)) {
    const found = core.store.find(hash, testId);
    if (found) {
      core.emit({ testId, source: "replayed", hash, file: found.file, recording: found.recording });
      return unwrapTyped(found.recording.response.body) as T;
    }
    if (core.mode === "replay") throw core.miss({ testId, hash, provider, toolName, body: redactedKwargs });
  }

  const result = await run();
  // What the caller gets is what replay will give: the JSON form, secrets removed.
  const body = redactor.knownSecrets(JSON.parse(JSON.stringify(result ?? null)) as unknown);
  const recording = recordingOf(body);
  const file = core.store.write(`${hash}.json`, recording);
  core.emit({ testId, source: "recorded", hash, file, recording });
  return body as T;
}
