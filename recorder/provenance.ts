/**
 * Who made a recording. Our recorder marks every file it writes with a top-level
 * `recorded_by` field (Llama Stack's and OGX's loaders ignore fields they do not know),
 * naming itself and whether the upstream was the scripted provider or a real one. A file
 * without the mark was written by Llama Stack's (or OGX's) Python recorder; a scripted
 * one is recognised by its URL or model even unmarked, so that scripted output is never
 * presented as a real model's.
 */
import { urlHost } from "./hashing/request-hash.ts";
import { isToolRecording, type RecordedBy, type Recording } from "./storage/recording-types.ts";

export const RECORDER_NAME = "responses-harness";
/** Where the reference stack's scripted provider answers (DESIGN.md). */
export const SCRIPTED_HOSTS: readonly string[] = ["scripted.local"];
const SCRIPTED_TOOL_PROVIDER = /^scripted/;
const SCRIPTED_MODEL = /^scripted\//;

export type RecordingOrigin =
  /** Llama Stack's or OGX's Python recorder (real providers, as far as anyone can tell). */
  | "llama-stack"
  /** Our recorder, against a real provider. */
  | "real-provider"
  /** Our recorder, against the scripted provider. */
  | "scripted";

export const ORIGIN_LABELS: Readonly<Record<RecordingOrigin, string>> = {
  "llama-stack": "recorded by Llama Stack's Python recorder",
  "real-provider": "recorded by this recorder against a real provider",
  scripted: "recorded from the scripted provider (not a real model)",
};

/** The mark our recorder writes for a call to `url` (or a tool of `toolProvider`). */
export function recordedBy(
  call: { url: string } | { toolProvider: string },
  scriptedHosts: readonly string[] = SCRIPTED_HOSTS,
): RecordedBy {
  const scripted =
    "url" in call
      ? scriptedHosts.includes(urlHost(call.url))
      : SCRIPTED_TOOL_PROVIDER.test(call.toolProvider);
  return { recorder: RECORDER_NAME, upstream: scripted ? "scripted" : "real" };
}

export function recordingOrigin(recording: Recording): RecordingOrigin {
  const mark = recording.recorded_by;
  if (mark?.recorder === RECORDER_NAME) return mark.upstream === "scripted" ? "scripted" : "real-provider";
  return looksScripted(recording) ? "scripted" : "llama-stack";
}

/** True when our recorder wrote the file (marked, or scripted, which only we record). */
export function isOurRecording(recording: Recording): boolean {
  return recordingOrigin(recording) !== "llama-stack";
}

function looksScripted(recording: Recording): boolean {
  const request = recording.request as { provider?: string; url?: string; model?: string };
  if (isToolRecording(recording)) return SCRIPTED_TOOL_PROVIDER.test(recording.request.provider);
  return SCRIPTED_HOSTS.includes(urlHost(request.url ?? "")) || SCRIPTED_MODEL.test(request.model ?? "");
}
