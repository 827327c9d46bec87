/**
 * Tool invocations (web search, …) recorded like inference, keyed by Llama Stack's
 * tool hash of `{provider, tool_name, kwargs}`: the test id is not part of it.
 */
import type { RecorderCore } from "./core.ts";
import { toolRequestHash } from "./hashing/request-hash.ts";
import { unwrapTyped } from "./http/endpoints.ts";
import { readsRecordings } from "./mode.ts";
import { recordedBy } from "./provenance.ts";
import type { Redactor } from "./redaction/redactor.ts";
import type { ToolRecording } from "./storage/recording-file.ts";
import { currentTestId } from "./test-context.ts";

export async function invokeRecordedTool<T>(
  core: RecorderCore,
  provider: string,
  toolName: string,
  kwargs: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const { body: redacted, redactor } = core.redactor.request(kwargs);
  const testId = currentTestId() ?? null;
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
    const result = await runRedactingErrors(run, redactor);
    const body = redactor.knownSecrets(JSON.parse(JSON.stringify(result ?? null)) as unknown);
    core.emit({ testId, source: "live", hash, file: "", recording: recordingOf(body) });
    return unwrapTyped(result) as T;
  }

  if (readsRecordings(core.mode)) {
    const found = core.store.find(hash, testId);
    if (found) {
      core.emit({ testId, source: "replayed", hash, file: found.file, recording: found.recording });
      // A copy: the recording stays cached for the next replay, whatever the stack does with it.
      return structuredClone(unwrapTyped(found.recording.response.body)) as T;
    }
    if (core.mode === "replay") throw core.miss({ testId, hash, provider, toolName, body: redactedKwargs });
  }

  const result = await runRedactingErrors(run, redactor);
  // What the caller gets is what replay will give: the JSON form, secrets removed.
  const body = redactor.knownSecrets(JSON.parse(JSON.stringify(result ?? null)) as unknown);
  const recording: ToolRecording = {
    ...recordingOf(body),
    recorded_by: recordedBy({ toolProvider: provider }),
  };
  const file = core.store.write(`${hash}.json`, recording);
  core.emit({ testId, source: "recorded", hash, file, recording });
  // The same value replay gives: Llama Stack's typed wrapper unwrapped.
  return unwrapTyped(body) as T;
}

/** A tool's error reaches the stack's answer, its logs and the report: no key in it. */
async function runRedactingErrors<T>(run: () => Promise<T>, redactor: Redactor): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw redactor.error(error);
  }
}
