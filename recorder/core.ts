/** What the recorder's adapters (fetch, tool invoker) share: mode, storage, redaction, reporting. */
import type { FetchLike } from "./http/fetch-request.ts";
import type { InferenceMode } from "./mode.ts";
import type { Redactor } from "./redact.ts";
import type { MissedRequest, RecordCommandHint } from "./replay-miss.ts";
import type { Recording } from "./storage/recording-file.ts";
import type { RecordingStore } from "./storage/recording-store.ts";

/** One request the recorder answered, for reports and listeners. */
export interface Interaction {
  testId: string | null;
  /** `live`: passed through in live mode, written nowhere. */
  source: "replayed" | "recorded" | "live";
  hash: string;
  /** The recording file; empty in live mode. */
  file: string;
  recording: Recording;
}

export interface RecorderCore {
  readonly mode: InferenceMode;
  readonly store: RecordingStore;
  readonly redactor: Redactor;
  readonly upstream: FetchLike;
  readonly recordCommand: RecordCommandHint;
  emit(interaction: Interaction): void;
  /** Builds (and reports) the error for a request replay could not answer. */
  miss(request: MissedRequest): Error;
}
