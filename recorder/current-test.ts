/**
 * For a process that serves one test at a time (a Playwright worker, a recording proxy
 * per worker): calls that carry no test id of their own, from a context or a header,
 * are filed under the test declared current. An id carried by the call always wins.
 */
import type { ApiRecorder } from "./api-recorder.ts";
import type { FetchLike } from "./http/fetch-request.ts";
import { currentTestId, runWithTestId, testIdFromHeaders } from "./test-context.ts";

/** The recorder's adapters, as a stack takes them (see stack/ports.ts). */
export interface RecorderPorts {
  fetch: FetchLike;
  invokeTool: ApiRecorder["invokeTool"];
  mintId: ApiRecorder["mintId"];
  now: ApiRecorder["now"];
  withRequestContext: ApiRecorder["withRequestContext"];
  currentTestId: () => string | undefined;
}

export class CurrentTest {
  #testId: string | undefined;

  constructor(readonly recorder: ApiRecorder) {}

  /** The test declared current, if any. */
  get testId(): string | undefined {
    return this.#testId;
  }

  /** Declares the test now running (`undefined`: none). */
  set(testId: string | undefined): void {
    this.#testId = testId;
  }

  /** The test id a request belongs to: its headers' (X-Test-Id, provider data), else the current test's. */
  testIdOf(headers: Headers): string | undefined {
    return testIdFromHeaders(headers) ?? this.#testId;
  }

  /** Runs `fn` under the test id already bound, else under the current test. */
  run<T>(fn: () => T): T {
    return currentTestId() === undefined ? runWithTestId(this.#testId, fn) : fn();
  }

  /** The recorder's adapters, each falling back to the current test. */
  readonly ports: RecorderPorts = {
    fetch: (input, init) => this.run(() => this.recorder.fetch(input, init)),
    invokeTool: (provider, toolName, kwargs, run) =>
      this.run(() => this.recorder.invokeTool(provider, toolName, kwargs, run)),
    mintId: (kind, fallback) => this.run(() => this.recorder.mintId(kind, fallback)),
    now: () => this.run(() => this.recorder.now()),
    withRequestContext: (headers, fn) => runWithTestId(this.testIdOf(headers), fn),
    currentTestId: () => currentTestId() ?? this.#testId,
  };
}
