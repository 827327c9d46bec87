/**
 * The ports without a recorder: what production use looks like. Upstream calls go to
 * the network (and `scripted.local` to the scripted provider, when a scripts folder is
 * given), ids are random, the clock is real, tools run directly, and the test id (which
 * only the scripted provider cares about here) comes from the request's headers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { testIdFromHeaders } from "../recorder/index.ts";
import type { StackPorts, UpstreamFetch } from "./ports.ts";
import { routeHosts } from "./providers/route-hosts.ts";
import { createScriptedProvider } from "./providers/scripted/handler.ts";

export interface PassthroughOptions {
  /** Where the scripted provider's scripts live; without it `scripted.local` is not served. */
  scriptsDir?: string;
  /** The real upstream; `globalThis.fetch` by default. */
  fetch?: UpstreamFetch;
}

export function createPassthroughPorts(options: PassthroughOptions = {}): StackPorts {
  const testIds = new AsyncLocalStorage<string | undefined>();
  const currentTestId = () => testIds.getStore();
  const network: UpstreamFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetch = options.scriptsDir
    ? routeHosts(
        { "scripted.local": createScriptedProvider({ scriptsDir: options.scriptsDir, currentTestId }).fetch },
        network,
      )
    : network;
  return {
    fetch,
    mintId: (_kind, fallback) => fallback(),
    now: () => Math.floor(Date.now() / 1000),
    invokeTool: (_provider, _tool, _kwargs, run) => run(),
    withRequestContext: (headers, fn) => testIds.run(testIdFromHeaders(headers), fn),
    currentTestId,
  };
}
