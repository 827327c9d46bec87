/**
 * The recording proxy as a fetch handler: requests under `/<upstream>/…` go through the
 * recorder's fetch to that provider, filed under the test their headers name, else the
 * test the harness declared current. Streams pass through as they are relayed; upstream
 * errors keep their status and body; a replay miss answers 404 with the recorder's
 * diagnosis (a status clients do not retry, so a miss is reported once).
 */
import { Hono } from "hono";
import {
  type CurrentTest,
  Journal,
  OGX_PROVIDER_DATA_HEADER,
  PROVIDER_DATA_HEADER,
  ReplayMissError,
  runWithTestId,
  TEST_ID_HEADER,
  TestIdHeaderError,
} from "../recorder/index.ts";
import { CONTROL_PREFIX, controlRoutes } from "./control-routes.ts";
import { proxiedBaseUrl, type Upstream, upstreamTarget } from "./upstreams.ts";

export interface RecordingProxyOptions {
  /**
   * The recorder, and the test calls without a test-id header are filed under. Share a
   * Playwright worker's (the fixtures' `workerRecorder.current`) and the proxy follows
   * the test running in the worker, with no control route.
   */
  current: CurrentTest;
  upstreams: readonly Upstream[];
  /** Where misses and unreachable upstreams are reported. Default: stderr. */
  log?: (message: string) => void;
}

export interface RecordingProxy {
  /** The handler: serve it, or call it in-process. */
  fetch: (request: Request) => Promise<Response>;
  /** The test calls without a test-id header are filed under. */
  current: CurrentTest;
  journal: Journal;
  upstreams: readonly Upstream[];
}

// Hop-by-hop headers, and those the client's fetch sets for itself.
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "accept-encoding",
  TEST_ID_HEADER,
  PROVIDER_DATA_HEADER,
  OGX_PROVIDER_DATA_HEADER,
]);
// The body the stack gets is already decoded and may be re-framed.
const NOT_RETURNED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
]);

function filtered(headers: Headers, drop: ReadonlySet<string>): Headers {
  const kept = new Headers();
  for (const [name, value] of headers) if (!drop.has(name)) kept.append(name, value);
  return kept;
}

function openAiError(status: number, type: string, message: string): Response {
  return Response.json({ error: { message, type, code: type } }, { status });
}

export function createRecordingProxy(options: RecordingProxyOptions): RecordingProxy {
  const { current, upstreams } = options;
  const { recorder } = current;
  const log = options.log ?? ((message: string) => process.stderr.write(`[recording-proxy] ${message}\n`));
  const journal = new Journal(recorder);

  const forward = async (request: Request): Promise<Response> => {
    const incoming = new URL(request.url);
    const target = upstreamTarget(upstreams, `${incoming.pathname}${incoming.search}`);
    if (!target) {
      const served = upstreams.map((upstream) => proxiedBaseUrl(incoming.origin, upstream)).join(", ");
      return openAiError(
        404,
        "unknown_upstream",
        `${incoming.pathname} names no upstream. This proxy serves: ${served}.`,
      );
    }
    if (target.url === undefined) {
      return openAiError(
        404,
        "outside_base_url",
        `${target.outsideBase} is outside ${target.upstream.name}'s base URL: configure the stack with ` +
          `${proxiedBaseUrl(incoming.origin, target.upstream)} (it forwards to ${target.upstream.url}).`,
      );
    }
    let testId: string | undefined;
    try {
      testId = current.testIdOf(request.headers);
    } catch (error) {
      if (error instanceof TestIdHeaderError) return openAiError(400, "invalid_test_id", error.message);
      throw error;
    }
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const init: RequestInit = {
      method: request.method,
      headers: filtered(request.headers, NOT_FORWARDED),
      signal: request.signal,
      ...(hasBody ? { body: await request.text() } : {}),
    };
    let response: Response;
    try {
      response = await runWithTestId(testId, () => recorder.fetch(target.url, init));
    } catch (error) {
      if (error instanceof ReplayMissError) {
        log(error.message);
        return openAiError(404, "replay_miss", error.message);
      }
      if (request.signal.aborted) return new Response(null, { status: 499 });
      const message = error instanceof Error ? error.message : String(error);
      log(`${target.upstream.name}: ${request.method} ${target.url} failed: ${message}`);
      return openAiError(
        502,
        "upstream_unreachable",
        `${target.upstream.name} (${target.url}) could not be reached: ${message}`,
      );
    }
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: filtered(response.headers, NOT_RETURNED),
    });
  };

  const app = new Hono();
  app.route(CONTROL_PREFIX, controlRoutes(current, journal));
  app.all("*", (c) => forward(c.req.raw));
  return { fetch: (request) => Promise.resolve(app.fetch(request)), current, journal, upstreams };
}
