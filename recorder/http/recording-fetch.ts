/**
 * The recorder as a `fetch`: hand it to the openai SDK (or any fetch-based client)
 * and every call is answered from a recording, or made upstream and recorded,
 * according to the mode.
 */
import type { RecorderCore } from "../core.ts";
import { callHash, fallbackHashes, filedAsRawHttp } from "../hashing/call-hash.ts";
import type { InferenceRequestIdentity } from "../hashing/request-hash.ts";
import { readsRecordings } from "../mode.ts";
import { recordedBy } from "../provenance.ts";
import type { Redactor } from "../redaction/redactor.ts";
import type { FoundRecording } from "../storage/recording-store.ts";
import { isHttpRecording, type RecordedResponse, type Recording } from "../storage/recording-types.ts";
import { currentTestId } from "../test-context.ts";
import { endpointKind, logicalEndpoint, unwrapTyped } from "./endpoints.ts";
import { type FetchedRequest, parseJsonOrText, readFetchRequest } from "./fetch-request.ts";
import { recordResponse } from "./record-response.ts";
import { replayResponse } from "./replay-response.ts";
import { SSE_DONE, SseParser } from "./sse.ts";
import { upstreamFailure } from "./upstream-failure.ts";

export async function recordingFetch(
  core: RecorderCore,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  if (core.mode === "live") return liveFetch(core, input, init);

  const read = readFetchRequest(input, init);
  const fetched = read instanceof Promise ? await read : read;
  const testId = currentTestId() ?? null;
  const { body, redactor } = core.redactor.request(fetched.body, fetched.credentials);
  const url = redactor.url(fetched.url);
  const endpoint = logicalEndpoint(url);
  const kind = endpointKind(endpoint);
  // Llama Stack intercepts SDK methods, not HTTP, and files every call as a POST.
  const method = kind === "models" ? "POST" : fetched.method;
  const identity = { method, url, body, testId };
  const hash = callHash(identity, core.hashScheme);
  const model =
    typeof (body as { model?: unknown })?.model === "string" ? (body as { model: string }).model : "";

  if (readsRecordings(core.mode)) {
    const found = kind === "models" ? mergedModelLists(core, hash, testId) : findCall(core, identity, hash);
    if (found) {
      core.emit({ testId, source: "replayed", hash, file: found.file, recording: found.recording });
      return replayResponse(kind, endpoint, found.recording.response, isHttpRecording(found.recording));
    }
    if (core.mode === "replay") {
      throw core.miss({ testId, hash, method, url, endpoint, model, body });
    }
  }

  const upstream = await callUpstream(core, input, init, fetched.method, url, redactor);
  const raw = filedAsRawHttp(identity, core.hashScheme);
  return recordResponse(upstream, {
    kind,
    endpoint,
    hash,
    redactor,
    raw,
    save(response: RecordedResponse, fileName = `${hash}.json`) {
      const common = {
        test_id: testId,
        response,
        id_normalization_mapping: {},
        recorded_by: recordedBy({ url }, core.scriptedHosts),
      };
      const recording: Recording = raw
        ? { ...common, request: { test_id: testId, url, method, payload: body } }
        : { ...common, request: { method, url, headers: {}, body, endpoint, model } };
      const file = core.store.write(fileName, recording);
      core.emit({ testId, source: "recorded", hash, file, recording });
    },
  });
}

async function callUpstream(
  core: RecorderCore,
  input: string | URL | Request,
  init: RequestInit | undefined,
  method: string,
  redactedUrl: string,
  redactor: Redactor,
): Promise<Response> {
  try {
    return await core.upstream(input, init);
  } catch (error) {
    throw upstreamFailure(error, method, redactedUrl, redactor);
  }
}

/**
 * The recording of a call: under its hash in the active scheme; only on a miss under the
 * other scheme's, and under the URL Llama Stack's recorder would have filed it under, so
 * that older recordings and Llama Stack's own answer the same call.
 */
function findCall(
  core: RecorderCore,
  identity: InferenceRequestIdentity,
  hash: string,
): FoundRecording | undefined {
  const found = core.store.find(hash, identity.testId);
  if (found) return found;
  for (const fallback of fallbackHashes(identity, core.hashScheme, hash)) {
    const other = core.store.find(fallback, identity.testId);
    if (other) return other;
  }
  return undefined;
}

/**
 * Live mode passes upstream's answer on untouched and writes nothing; listeners still
 * hear of the call (source `live`, no file) once its body has arrived, redacted as a
 * recording would be, so a report shows what a live run did.
 */
async function liveFetch(core: RecorderCore, input: string | URL | Request, init?: RequestInit) {
  const testId = currentTestId() ?? null;
  let request: FetchedRequest;
  try {
    request = await readFetchRequest(input, init);
  } catch {
    // A body the recorder cannot read (a multipart upload) still goes upstream.
    const url = input instanceof Request ? input.url : String(input);
    request = {
      method: init?.method ?? "POST",
      url,
      body: "(a body the recorder does not read)",
      credentials: [],
    };
  }
  const { body, redactor } = core.redactor.request(request.body, request.credentials);
  const url = redactor.url(request.url);
  const upstream = await callUpstream(core, input, init, request.method, url, redactor);
  const endpoint = logicalEndpoint(url);
  const model =
    typeof (body as { model?: unknown })?.model === "string" ? (body as { model: string }).model : "";
  const streaming = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  void upstream
    .clone()
    .text()
    .then(
      (text) => {
        const parser = new SseParser();
        const answer = streaming
          ? [...parser.feed(text), ...parser.end()]
              .filter((event) => event.data !== SSE_DONE)
              .map((event) => parseJsonOrText(event.data))
          : parseJsonOrText(text);
        const response: RecordedResponse = {
          body: redactor.knownSecrets(answer),
          is_streaming: streaming,
          ...(upstream.ok ? {} : { is_exception: true, status: upstream.status }),
        };
        core.emit({
          testId,
          source: "live",
          hash: callHash({ method: request.method, url, body, testId }, core.hashScheme),
          file: "",
          recording: {
            test_id: testId,
            request: { method: request.method, url, headers: {}, body, endpoint, model },
            response,
            id_normalization_mapping: {},
          },
        });
      },
      () => undefined,
    );
  return upstream;
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
