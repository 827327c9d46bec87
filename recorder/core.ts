/** What the recorder's adapters (fetch, tool invoker) share: mode, storage, redaction, reporting. */
import type { HashScheme } from "./hashing/schemes.ts";
import type { FetchLike } from "./http/fetch-request.ts";
import type { InferenceMode } from "./mode.ts";
import type { Redactor } from "./redaction/redactor.ts";
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
  /** The scheme new recordings are named by; lookups fall back to the other. */
  readonly hashScheme: HashScheme;
  readonly store: RecordingStore;
  readonly redactor: Redactor;
  readonly upstream: FetchLike;
  readonly recordCommand: RecordCommandHint;
  /** Hosts whose answers are the scripted provider's, not a real model's (see provenance.ts). */
  readonly scriptedHosts: readonly string[];
  emit(interaction: Interaction): void;
  /** Builds (and reports) the error for a request replay could not answer. */
  miss(request: MissedRequest): Error;
}
