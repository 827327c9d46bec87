/**
 * A fetch that sends requests for some hosts to in-process handlers (the scripted
 * provider at `scripted.local`) and everything else to `fallback`.
 */
import type { UpstreamFetch } from "../ports.ts";

export function routeHosts(routes: Record<string, UpstreamFetch>, fallback: UpstreamFetch): UpstreamFetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const { host } = new URL(url);
    const handler = Object.hasOwn(routes, host) ? routes[host] : undefined;
    return handler ? handler(input, init) : fallback(input, init);
  };
}
