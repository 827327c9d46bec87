/**
 * An upstream call that failed below HTTP (refused, unresolvable, reset, timed out).
 * `fetch` says only "fetch failed"; this names the call, its URL (credentials
 * redacted) and the cause, so the person reading a failed run knows where to look.
 */
import type { Redactor } from "../redaction/redactor.ts";

export class UpstreamUnreachableError extends Error {
  override name = "UpstreamUnreachableError";

  constructor(
    readonly method: string,
    /** The URL, its credentials redacted. */
    readonly url: string,
    /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, …), when there is one. */
    readonly code: string | undefined,
    reason: string,
  ) {
    super(
      `The upstream call ${method} ${url} failed: ${reason}. Nothing was recorded. ` +
        "Check that the provider runs at that address and that this machine can reach it.",
    );
  }
}

interface SystemError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/**
 * The error to throw for a failed upstream call: the caller's own abort passes through
 * unchanged; anything else becomes an UpstreamUnreachableError, every text redacted.
 */
export function upstreamFailure(error: unknown, method: string, url: string, redactor: Redactor): unknown {
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return redactor.error(error);
  }
  const cause = innermost(error);
  const code = typeof cause.code === "string" ? cause.code : undefined;
  const messages = [cause.message, ...(Array.isArray(cause.errors) ? cause.errors : []).map(messageOf)]
    .filter((message): message is string => typeof message === "string" && message !== "")
    .filter((message, index, all) => all.indexOf(message) === index);
  const detail = messages.join("; ") || String(error);
  const reason = code && !detail.includes(code) ? `${code} (${detail})` : detail;
  return new UpstreamUnreachableError(method, url, code, redactor.url(redactor.text(reason)));
}

function messageOf(error: unknown): unknown {
  return (error as SystemError | null)?.message;
}

/** fetch's "fetch failed" TypeError holds the system error as its cause, sometimes nested. */
function innermost(error: unknown): SystemError {
  let current = (error ?? {}) as SystemError;
  for (let depth = 0; depth < 5 && current.cause && typeof current.cause === "object"; depth++) {
    current = current.cause as SystemError;
  }
  return current;
}
