/**
 * The providers a proxy stands in front of, from `--upstream NAME=URL`. A stack reaches
 * provider NAME at `<proxy>/NAME` followed by the provider's own path, so the paths,
 * and with them the recordings' endpoints and hashes, are the provider's:
 * `openai=https://api.openai.com/v1` is reached at `http://127.0.0.1:PORT/openai/v1`.
 */

export interface Upstream {
  name: string;
  /** The provider's base URL as given, without a trailing slash. */
  url: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Names the proxy keeps for itself: its control routes live under `/__recorder/`. */
const RESERVED = new Set(["__recorder"]);

export class UpstreamSpecError extends Error {
  override name = "UpstreamSpecError";
}

/** Parses `NAME=URL` specs; every mistake names the spec and what a good one looks like. */
export function parseUpstreams(specs: readonly string[]): Upstream[] {
  if (specs.length === 0) {
    throw new UpstreamSpecError(
      "No upstream given: pass at least one --upstream NAME=URL, e.g. --upstream openai=https://api.openai.com/v1.",
    );
  }
  const upstreams = new Map<string, Upstream>();
  for (const spec of specs) {
    const at = spec.indexOf("=");
    const name = spec.slice(0, at).trim();
    const url = spec.slice(at + 1).trim();
    if (at < 1 || !NAME.test(name) || RESERVED.has(name)) {
      throw new UpstreamSpecError(
        `--upstream '${spec}' needs a name of letters, digits, '.', '_' or '-' before '=', e.g. openai=https://api.openai.com/v1.`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UpstreamSpecError(
        `--upstream '${spec}': '${url}' is not a URL (e.g. https://api.openai.com/v1).`,
      );
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new UpstreamSpecError(`--upstream '${spec}': the URL must be http or https.`);
    }
    if (parsed.search || parsed.hash) {
      throw new UpstreamSpecError(`--upstream '${spec}': a base URL has no query or fragment.`);
    }
    if (upstreams.has(name)) throw new UpstreamSpecError(`--upstream '${name}' is given twice.`);
    upstreams.set(name, { name, url: `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}` });
  }
  return [...upstreams.values()];
}

/** The base URL a stack configures for `upstream`, behind the proxy at `origin`. */
export function proxiedBaseUrl(origin: string, upstream: Upstream): string {
  return `${origin}/${upstream.name}${new URL(upstream.url).pathname.replace(/\/+$/, "")}`;
}

export type Target =
  | { upstream: Upstream; url: string }
  | { upstream: Upstream; url?: undefined; outsideBase: string }
  | undefined;

/**
 * Where a request for `pathAndQuery` (`/openai/v1/chat/completions?…`) goes: undefined
 * when it names no upstream; `outsideBase` when it names one but lies outside the
 * provider's base path (a stack configured with the wrong base URL).
 */
export function upstreamTarget(upstreams: readonly Upstream[], pathAndQuery: string): Target {
  const match = /^\/([^/?#]+)(.*)$/.exec(pathAndQuery);
  const upstream = match && upstreams.find((candidate) => candidate.name === match[1]);
  if (!match || !upstream) return undefined;
  const rest = match[2] ?? "";
  const { origin, pathname: basePath } = new URL(upstream.url);
  const path = rest.replace(/[?#].*$/, "");
  const base = basePath.replace(/\/+$/, "");
  if (base && path !== base && !path.startsWith(`${base}/`)) return { upstream, outsideBase: path || "/" };
  return { upstream, url: `${origin}${rest || "/"}` };
}
