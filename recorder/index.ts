/**
 * The API recorder's public interface. It knows nothing of Playwright or of any
 * stack: a stack takes its `fetch`, `invokeTool`, `mintId`, `now` and test-id context.
 */
export { ApiRecorder, createRecorder, type RecorderOptions } from "./api-recorder.ts";
export type { Interaction } from "./core.ts";
export { CurrentTest, type RecorderPorts } from "./current-test.ts";
export { ID_PREFIXES } from "./deterministic-ids.ts";
export {
  inferenceCanonicalString,
  inferenceRequestHash,
  toolCanonicalString,
  toolRequestHash,
} from "./hashing/request-hash.ts";
export { accumulateChatStream, type ChatStreamSummary } from "./http/chat-stream.ts";
export { type EndpointKind, endpointKind, unwrapTyped } from "./http/endpoints.ts";
export type { FetchLike } from "./http/fetch-request.ts";
export { type InteractionSummary, Journal, type MissedCall, summarize, type TestJournal } from "./journal.ts";
export { parsePreservingFloats } from "./json/parse-preserving-floats.ts";
export { pythonFloatRepr } from "./json/python-float.ts";
export { pythonJsonDumps } from "./json/python-json.ts";
export { pythonFloatText, pythonRepr, type ReprOptions } from "./json/python-repr.ts";
export {
  DEFAULT_RECORDING_DIR,
  INFERENCE_MODES,
  type InferenceMode,
  MODE_ENV,
  parseInferenceMode,
  RECORDING_DIR_ENV,
} from "./mode.ts";
export {
  isOurRecording,
  ORIGIN_LABELS,
  RECORDER_NAME,
  type RecordingOrigin,
  recordingOrigin,
} from "./provenance.ts";
export { REDACTED } from "./redaction/redactor.ts";
export {
  defaultRecordCommand,
  type MissedRequest,
  type NearestRecording,
  type RecordCommandHint,
  ReplayMissError,
} from "./replay-miss.ts";
export {
  type InferenceRecording,
  isInferenceRecording,
  isToolRecording,
  type RecordedBy,
  type Recording,
  RecordingFileError,
  readRecordingFile,
  type ToolRecording,
} from "./storage/recording-file.ts";
export { COMMON_SUITE, RecordingStore, suiteOfTestId } from "./storage/recording-store.ts";
export { callKeyOf, callKeys } from "./storage/recording-types.ts";
export {
  currentTestId,
  LLAMA_STACK_ID_ANNOTATION,
  OGX_PROVIDER_DATA_HEADER,
  PROVIDER_DATA_HEADER,
  runWithTestId,
  TEST_ID_HEADER,
  TestIdHeaderError,
  testIdFromHeaders,
  testIdHeaders,
  testIdWithoutParameters,
} from "./test-context.ts";
