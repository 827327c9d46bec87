/** Reading recordings for the CLI: their recomputed hashes and one-line summaries. */
import { basename } from "node:path";
import { accumulateChatStream } from "../http/chat-stream.ts";
import { endpointKind } from "../http/endpoints.ts";
import { inferenceRequestHash, toolRequestHash } from "../request-hash.ts";
import { isToolRecording, type Recording } from "../storage/recording-file.ts";

/** The hash the recorder computes for the request a recording holds. */
export function recomputedHash(recording: Recording): string {
  if (isToolRecording(recording)) {
    const { provider, tool_name, kwargs } = recording.request;
    return toolRequestHash({ provider, toolName: tool_name, kwargs });
  }
  const { method, url, body } = recording.request;
  return inferenceRequestHash({ method, url, body, testId: recording.test_id });
}

/** The hash a file's name claims: `<hash>.json` or `models-<hash>-<digest>.json`. */
export function hashInFileName(file: string): string | undefined {
  return /^(?:models-)?([0-9a-f]{64})(?:-[0-9a-f]{8})?\.json$/.exec(basename(file))?.[1];
}

export function describeCall(recording: Recording): string {
  if (isToolRecording(recording)) return `tool ${recording.request.provider}.${recording.request.tool_name}`;
  const { method, endpoint, model } = recording.request;
  return `${method} ${endpoint}${model ? ` ${model}` : ""}`;
}

/** What came back, in a few words: status, chunk count, text. */
export function describeResponse(recording: Recording): string {
  const { response } = recording;
  if (response.is_exception) return `HTTP ${response.status} error`;
  if (!response.is_streaming || !Array.isArray(response.body)) return "one response object";
  const text =
    !isToolRecording(recording) && endpointKind(recording.request.endpoint) === "chat"
      ? (accumulateChatStream(response.body).content ?? "")
      : "";
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `stream of ${response.body.length} chunks${shown ? `: ${JSON.stringify(shown)}` : ""}`;
}
