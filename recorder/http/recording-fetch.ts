/**
 * The recorder as a `fetch`: hand it to the openai SDK (or any fetch-based client)
 * and every call is answered from a recording, or made upstream and recorded,
 * according to the mode.
 */
import type { RecorderCore } from "../core.ts";
import { readsRecordings } from "../mode.ts";
import { inferenceRequestHash, MODEL_LIST_ENDPOINTS, urlPath } from "../request-hash.ts";
import type { InferenceRecording, RecordedResponse } from "../storage/recording-file.ts";
import type { FoundRecording } from "../storage/recording-store.ts";
import { currentTestId } from "../test-context.ts";
import { endpointKind, llamaStackUrl, logicalEndpoint, unwrapTyped } from "./endpoints.ts";
import { readFetchRequest } from "./fetch-request.ts";
import { recordResponse } from "./record-response.ts";
import { replayResponse } from "./replay-response.ts";

export async function recordingFetch(
  core: RecorderCore,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  if (core.mode === "live") return core.upstream(input, init);

  const read = readFetchRequest(input, init);
  const fetched = read instanceof Promise ? await read : read;
  const testId = currentTestId() ?? null;
  const { body, redactor } = core.redactor.request(fetched.body, fetched.credentials);
  const url = redactor.url(fetched.url);
  const path = urlPath(url);
  const endpoint = logicalEndpoint(url);
  const kind = endpointKind(endpoint);
  // Llama Stack intercepts SDK methods, not HTTP, and files every call as a POST.
  const method = MODEL_LIST_ENDPOINTS.has(path) ? "POST" : fetched.method;
  const hash = inferenceRequestHash({ method, url, body, testId });
  const model =
    typeof (body as { model?: unknown })?.model === "string" ? (body as { model: string }).model : "";

  if (readsRecordings(core.mode)) {
    const found =
      kind === "models"
        ? mergedModelLists(core, hash, testId)
        : findCall(core, hash, testId, { method, url, body });
    if (found) {
      core.emit({ testId, source: "replayed", hash, file: found.file, recording: found.recording });
      return replayResponse(kind, endpoint, found.recording.response);
    }
    if (core.mode === "replay") {
      throw core.miss({ testId, hash, method, url, endpoint, model, body });
    }
  }

  const upstream = await core.upstream(input, init);
  return recordResponse(upstream, {
    kind,
    endpoint,
    hash,
    redactor,
    save(response: RecordedResponse, fileName = `${hash}.json`) {
      const recording: InferenceRecording = {
        test_id: testId,
        request: { method, url, headers: {}, body, endpoint, model },
        response,
        id_normalization_mapping: {},
      };
      const file = core.store.write(fileName, recording);
      core.emit({ testId, source: "recorded", hash, file, recording });
    },
  });
}

/**
 * The recording of a call: under its hash, or else under the hash of the URL Llama Stack's
 * recorder would have filed it under, so that Llama Stack's own recordings answer the same call.
 */
function findCall(
  core: RecorderCore,
  hash: string,
  testId: string | null,
  request: { method: string; url: string; body: unknown },
): FoundRecording | undefined {
  const found = core.store.find(hash, testId);
  if (found) return found;
  const url = llamaStackUrl(request.url);
  return url ? core.store.find(inferenceRequestHash({ ...request, url, testId }), testId) : undefined;
}

/** All model-list recordings of this hash, their models merged by id as Llama Stack does. */
function mergedModelLists(
  core: RecorderCore,
  hash: string,
  testId: string | null,
): FoundRecording | undefined {
  const found = core.store.findModelLists(hash, testId);
  const first = found[0];
  if (!first || found.length === 1) return first;
  const byId = new Map<string, unknown>();
  for (const { recording } of found) {
    const body = recording.response.body;
    const models = Array.isArray(body) ? body : ((unwrapTyped(body) as { models?: unknown[] }).models ?? []);
    for (const model of models) {
      const data = unwrapTyped(model) as { id?: unknown; model?: unknown };
      byId.set(String(data.id ?? data.model), model);
    }
  }
  const merged = [...byId.keys()].sort().map((id) => byId.get(id));
  const firstBody = first.recording.response.body;
  const body = Array.isArray(firstBody)
    ? merged
    : { ...(firstBody as object), __data__: { ...(unwrapTyped(firstBody) as object), models: merged } };
  return {
    file: found.map((entry) => entry.file).join(", "),
    recording: { ...first.recording, response: { body, is_streaming: false } },
  };
}
