/**
 * What the stack needs from the world below it. The recorder provides all of it
 * (see recorder/index.ts), but the stack only ever sees this interface: it never
 * imports the recorder, so any other implementation (a plain passthrough for
 * production use, a fake in unit tests) plugs in the same way.
 */

/** A `fetch` with the standard signature; every upstream HTTP call goes through it. */
export type UpstreamFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Mints the ids the stack hands out. `kind` names the object ("response", "message",
 * "function_call", "file", "vector_store", …); under a test the result is
 * deterministic per test id, otherwise it comes from `fallback`.
 */
export type IdMinter = (kind: string, fallback: () => string) => string;

/** Records or replays one built-in tool invocation (web search, …) keyed by its arguments. */
export type ToolInvoker = <T>(
  provider: string,
  toolName: string,
  kwargs: Record<string, unknown>,
  run: () => Promise<T>,
) => Promise<T>;

export interface StackPorts {
  fetch: UpstreamFetch;
  mintId: IdMinter;
  /** Seconds since the epoch, for `created_at`; deterministic under a test. */
  now: () => number;
  invokeTool: ToolInvoker;
  /**
   * Runs `fn` with the test id that the incoming request carries (`X-Test-Id` or
   * `X-LlamaStack-Provider-Data` / `X-OGX-Provider-Data: {"__test_id": …}`) bound for everything it awaits;
   * rejects, without running `fn`, when those headers cannot be read.
   */
  withRequestContext: <T>(headers: Headers, fn: () => Promise<T>) => Promise<T>;
  /** The test id bound by `withRequestContext`, if any. */
  currentTestId: () => string | undefined;
}
