/**
 * The API recorder: one object per process (or per test) that owns a mode and a
 * recordings folder and hands out the adapters a stack needs: a `fetch`, a tool
 * invoker, an id minter, a clock and a test-id context.
 */
import type { Interaction, RecorderCore } from "./core.ts";
import { DeterministicIds } from "./deterministic-ids.ts";
import { HASH_SCHEME_ENV, type HashScheme, parseHashScheme } from "./hashing/schemes.ts";
import type { FetchLike } from "./http/fetch-request.ts";
import { recordingFetch } from "./http/recording-fetch.ts";
import {
  DEFAULT_RECORDING_DIR,
  type InferenceMode,
  MODE_ENV,
  parseInferenceMode,
  RECORDING_DIR_ENV,
} from "./mode.ts";
import { SCRIPTED_HOSTS } from "./provenance.ts";
import { Redactor } from "./redaction/redactor.ts";
import {
  defaultRecordCommand,
  findNearestRecording,
  type MissedRequest,
  type RecordCommandHint,
  ReplayMissError,
} from "./replay-miss.ts";
import { RecordingStore } from "./storage/recording-store.ts";
import { currentTestId, runWithTestId, testIdFromHeaders } from "./test-context.ts";
import { invokeRecordedTool } from "./tool-invoker.ts";

export interface RecorderOptions {
  /** Default: `STACK_TEST_INFERENCE_MODE`, else `replay`. */
  mode?: InferenceMode | string;
  /** The hash scheme new recordings are named by. Default: `STACK_TEST_HASH_SCHEME`, else `ogx-0.8`. */
  hashScheme?: HashScheme | string;
  /** Default: `STACK_TEST_RECORDING_DIR`, else `recordings/` (relative to the working directory). */
  recordingDir?: string;
  /** Where record and live modes send requests. Default: the global `fetch`. */
  upstream?: FetchLike;
  /** Where secrets to redact are looked up, and the mode and folder when not given. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** The command a replay miss suggests for recording the missing interaction. */
  recordCommand?: RecordCommandHint;
  /**
   * The suites that have recordings folders (a harness's catalog); a test id naming any
   * other is filed under `common/`. Default: any plain folder name.
   */
  suites?: readonly string[];
  /** Hosts that serve the scripted provider: recordings of them are marked scripted. Default: `scripted.local`. */
  scriptedHosts?: readonly string[];
  /** Where recordings are looked up and written, instead of a folder (the CLI replays single files so). */
  store?: RecordingStore;
}

type Listener = (interaction: Interaction) => void;
type MissListener = (error: ReplayMissError) => void;

export class ApiRecorder implements RecorderCore {
  readonly mode: InferenceMode;
  readonly hashScheme: HashScheme;
  readonly store: RecordingStore;
  readonly redactor: Redactor;
  readonly upstream: FetchLike;
  readonly recordCommand: RecordCommandHint;
  readonly scriptedHosts: readonly string[];
  readonly #ids = new DeterministicIds();
  readonly #listeners = new Set<Listener>();
  readonly #missListeners = new Set<MissListener>();

  constructor(options: RecorderOptions = {}) {
    const env = options.env ?? process.env;
    this.mode = parseInferenceMode(
      options.mode ?? env[MODE_ENV],
      options.mode ? "the recorder's options" : MODE_ENV,
    );
    this.hashScheme = parseHashScheme(
      options.hashScheme ?? env[HASH_SCHEME_ENV],
      options.hashScheme ? "the recorder's options" : HASH_SCHEME_ENV,
    );
    this.store =
      options.store ??
      new RecordingStore(
        options.recordingDir ?? (env[RECORDING_DIR_ENV] || DEFAULT_RECORDING_DIR),
        options.suites ? { suites: options.suites } : {},
      );
    this.redactor = Redactor.fromEnv(env);
    this.upstream = options.upstream ?? ((input, init) => fetch(input, init));
    this.recordCommand = options.recordCommand ?? defaultRecordCommand;
    this.scriptedHosts = options.scriptedHosts ?? SCRIPTED_HOSTS;
  }

  /** A drop-in `fetch` (bound: pass it around freely). */
  readonly fetch: FetchLike = (input, init) => recordingFetch(this, input, init);

  /** Records or replays one tool invocation; `run` is called only when upstream is needed. */
  readonly invokeTool = <T>(
    provider: string,
    toolName: string,
    kwargs: Record<string, unknown>,
    run: () => Promise<T>,
  ): Promise<T> => invokeRecordedTool(this, provider, toolName, kwargs, run);

  /** A deterministic id under a test (outside `live`), else `fallback()`. */
  readonly mintId = (kind: string, fallback: () => string): string => {
    const testId = currentTestId();
    if (this.mode === "live" || testId === undefined) return fallback();
    return this.#ids.next(testId, kind) ?? fallback();
  };

  /** Seconds since the epoch; a per-test counter under a test (outside `live`), so replays are byte-identical. */
  readonly now = (): number => {
    const testId = currentTestId();
    if (this.mode === "live" || testId === undefined) return Math.floor(Date.now() / 1000);
    return this.#ids.tick(testId);
  };

  readonly currentTestId = (): string | undefined => currentTestId();

  /** Runs `fn` with `testId` bound for everything it awaits. */
  readonly withTestId = <T>(testId: string | undefined, fn: () => T): T => runWithTestId(testId, fn);

  /** Binds the test id an incoming request carries (`X-Test-Id` or Llama Stack's provider-data header). */
  readonly withRequestContext = <T>(headers: Headers, fn: () => Promise<T>): Promise<T> =>
    runWithTestId(testIdFromHeaders(headers), fn);

  /** Starts a test afresh: its ids and clock restart, so a retry replays the same bytes. */
  beginTest(testId: string): void {
    this.#ids.reset(testId);
  }

  /** Calls `listener` for every interaction answered from or written to a recording. */
  onInteraction(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` for every replay miss, before the error is thrown. */
  onMiss(listener: MissListener): () => void {
    this.#missListeners.add(listener);
    return () => this.#missListeners.delete(listener);
  }

  emit(interaction: Interaction): void {
    for (const listener of this.#listeners) listener(interaction);
  }

  miss(request: MissedRequest): Error {
    const error = new ReplayMissError(
      request,
      this.store.searchFolders(request.testId),
      findNearestRecording(this.store, request),
      this.recordCommand(request),
    );
    for (const listener of this.#missListeners) listener(error);
    return error;
  }
}

export function createRecorder(options: RecorderOptions = {}): ApiRecorder {
  return new ApiRecorder(options);
}
