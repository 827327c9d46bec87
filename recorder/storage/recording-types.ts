/**
 * The kinds of recording files, as Llama Stack 0.2 and OGX 0.8 write them: inference
 * calls, tool invocations, raw HTTP requests (OGX's rerank and passthrough calls), and
 * OGX's older file-processor recordings, which it no longer hashes or replays.
 */

/** How OGX records an exception a call raised (its `serialize_exception`). */
export interface ExceptionData {
  /** `provider_sdk` (an HTTP error from a provider's SDK), `ogx`, `builtin`, `unknown`. */
  category: string;
  /** The provider SDK that raised it (`openai`, `ollama`), for `provider_sdk`. */
  provider?: string;
  /** The exception's class name (`BadRequestError`, …). */
  type: string;
  message: unknown;
  status_code?: number;
  /** The provider's error body (for OpenAI, the object under `error`). */
  body?: unknown;
}

export interface RecordedResponse {
  /** One object, or the chunks of a stream; Python objects as `{__type__, __data__}`. */
  body: unknown;
  is_streaming: boolean;
  /** The call failed: OGX's `exception_data`, or (older files of ours) `status` and `body`. */
  is_exception?: boolean;
  /** The HTTP status: of an error (older files of ours), or of a raw HTTP request's answer. */
  status?: number;
  exception_data?: ExceptionData;
  exception_message?: string;
}

export interface InferenceRequestRecord {
  method: string;
  url: string;
  headers: Record<string, never>;
  body: unknown;
  endpoint: string;
  model: string;
  /** OGX: versions of the SDK and server the call was made with. */
  provider_metadata?: Record<string, unknown>;
}

export interface ToolRequestRecord {
  test_id?: string | null;
  provider: string;
  tool_name: string;
  kwargs: Record<string, unknown>;
}

/** OGX's raw HTTP request: the whole URL and the JSON payload. */
export interface HttpRequestRecord {
  test_id?: string | null;
  url: string;
  method: string;
  payload: unknown;
}

/** OGX's file-processor call (before April 2026); OGX now runs these instead of recording them. */
export interface FileProcessorRequestRecord {
  test_id?: string | null;
  provider: string;
  api: string;
  file_id?: string | null;
}

/** Our recorder's mark on every file it writes (see provenance.ts); Llama Stack's files have none. */
export interface RecordedBy {
  recorder: string;
  /** Whether the upstream was the scripted provider or a real one. */
  upstream: "scripted" | "real";
}

interface RecordingOf<Request> {
  /** Absent in some OGX files: the call was made outside any test. */
  test_id?: string | null;
  request: Request;
  response: RecordedResponse;
  id_normalization_mapping?: Record<string, string>;
  recorded_by?: RecordedBy;
}

export type InferenceRecording = RecordingOf<InferenceRequestRecord>;
export type ToolRecording = RecordingOf<ToolRequestRecord>;
export type HttpRecording = RecordingOf<HttpRequestRecord>;
export type FileProcessorRecording = RecordingOf<FileProcessorRequestRecord>;
export type Recording = InferenceRecording | ToolRecording | HttpRecording | FileProcessorRecording;

export type RecordingKind = "inference" | "tool" | "http" | "file-processor";

export function recordingKind(recording: Recording): RecordingKind {
  const request = recording.request;
  if ("tool_name" in request) return "tool";
  if ("payload" in request) return "http";
  if ("endpoint" in request) return "inference";
  return "file-processor";
}

export function isInferenceRecording(recording: Recording): recording is InferenceRecording {
  return recordingKind(recording) === "inference";
}

export function isToolRecording(recording: Recording): recording is ToolRecording {
  return recordingKind(recording) === "tool";
}

export function isHttpRecording(recording: Recording): recording is HttpRecording {
  return recordingKind(recording) === "http";
}

export function isFileProcessorRecording(recording: Recording): recording is FileProcessorRecording {
  return recordingKind(recording) === "file-processor";
}

/** The test a recording belongs to: null for a call outside any test (or a file that names none). */
export function testIdOf(recording: Recording): string | null {
  return recording.test_id ?? null;
}

/** What the request sent: an inference body, a tool's kwargs, a raw request's payload, a file id. */
export function requestPayload(recording: Recording): unknown {
  const request = recording.request as unknown as Record<string, unknown>;
  switch (recordingKind(recording)) {
    case "tool":
      return request.kwargs;
    case "http":
      return request.payload;
    case "inference":
      return request.body;
    default:
      return { file_id: request.file_id ?? null };
  }
}

/**
 * What a replay miss compares recordings by, besides the test: the endpoint of an
 * inference call, the URL of a raw HTTP request, the provider and name of a tool.
 */
export const callKeys = {
  endpoint: (endpoint: string | undefined) => `endpoint ${endpoint}`,
  url: (url: string | undefined) => `url ${url}`,
  tool: (provider: string | undefined, toolName: string | undefined) =>
    `tool ${JSON.stringify([provider, toolName])}`,
};

/** The call a recording answers, as callKeys spells it; undefined for a file-processor call. */
export function callKeyOf(recording: Recording): string | undefined {
  const request = recording.request as unknown as Record<string, string | undefined>;
  switch (recordingKind(recording)) {
    case "inference":
      return callKeys.endpoint(request.endpoint);
    case "http":
      return callKeys.url(request.url);
    case "tool":
      return callKeys.tool(request.provider, request.tool_name);
    default:
      return undefined;
  }
}
