/** A recording in a line: what was called, and what came back (for the CLI and the report). */
import { accumulateChatStream } from "./http/chat-stream.ts";
import { endpointKind } from "./http/endpoints.ts";
import { recordedError } from "./http/recorded-error.ts";
import { type Recording, recordingKind } from "./storage/recording-types.ts";

export function describeCall(recording: Recording): string {
  const request = recording.request as unknown as Record<string, unknown>;
  switch (recordingKind(recording)) {
    case "tool":
      return `tool ${request.provider}.${request.tool_name}`;
    case "http":
      return `${request.method} ${request.url} (raw HTTP)`;
    case "file-processor":
      return `file processor ${request.provider} ${request.file_id ?? ""}`.trimEnd();
    default:
      return `${request.method} ${request.endpoint}${request.model ? ` ${request.model}` : ""}`;
  }
}

/** What came back, in a few words: status, chunk count, text. */
export function describeResponse(recording: Recording): string {
  const { response } = recording;
  if (response.is_exception) {
    const error = recordedError(response);
    return error.status === undefined ? `raised ${error.message}` : `HTTP ${error.status} error`;
  }
  if (response.status !== undefined && response.status >= 400) return `HTTP ${response.status} error`;
  if (!response.is_streaming || !Array.isArray(response.body)) return "one response object";
  const endpoint = (recording.request as { endpoint?: string }).endpoint;
  const text =
    endpoint !== undefined && endpointKind(endpoint) === "chat"
      ? (accumulateChatStream(response.body).content ?? "")
      : "";
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `stream of ${response.body.length} chunks${shown ? `: ${JSON.stringify(shown)}` : ""}`;
}
