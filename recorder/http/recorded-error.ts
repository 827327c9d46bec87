/**
 * Errors a call met, as recordings hold them. OGX 0.8 writes `is_exception` with
 * `exception_data` (its `serialize_exception`: category, provider, type, message,
 * status_code, body) and `exception_message`; older files of ours hold `status` and the
 * error body. Either replays as the same HTTP answer, so the openai SDK raises the same
 * error class with the same status and body. Errors are written in OGX's shape.
 */
import { pythonRepr } from "../json/python-repr.ts";
import type { ExceptionData, RecordedResponse } from "../storage/recording-types.ts";
import { unwrapTyped } from "./endpoints.ts";

export interface RecordedError {
  /** The HTTP status to answer with; undefined when the call raised without an HTTP answer. */
  status: number | undefined;
  /** The error body as the API sends it (`{"error": {...}}`), or its text. */
  wireBody: unknown;
  message: string;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

export function recordedError(response: RecordedResponse): RecordedError {
  const data = response.exception_data;
  if (data) {
    const message = textOf(data.message);
    const status = typeof data.status_code === "number" ? data.status_code : undefined;
    // The SDKs keep the object under "error" as the exception's body; the wire wraps it again.
    const body = data.body;
    const wireBody =
      body !== null && typeof body === "object" && !Array.isArray(body)
        ? "error" in body
          ? body
          : { error: body }
        : {
            error: { message: body === null || body === undefined ? message : textOf(body), type: data.type },
          };
    return { status, wireBody, message };
  }
  if (response.status !== undefined) {
    return {
      status: response.status,
      wireBody: unwrapTyped(response.body),
      message: `HTTP ${response.status}`,
    };
  }
  return { status: undefined, wireBody: undefined, message: response.exception_message ?? "Unknown error" };
}

/** A call that raised without an HTTP answer in the recording (OGX's builtin or unknown exceptions). */
export class RecordedExceptionError extends Error {
  override name = "RecordedExceptionError";
}

/** The class openai-python raises for an HTTP status (what OGX records as `type`). */
function pythonErrorClass(status: number): string {
  const byStatus: Record<number, string> = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
  };
  return byStatus[status] ?? (status >= 500 ? "InternalServerError" : "APIStatusError");
}

/**
 * An upstream HTTP error in OGX's shape, as openai-python would have raised it: the body
 * is the object under `error` (or the whole answer), the message `Error code: N - <repr>`.
 */
export function exceptionResponse(status: number, answer: unknown, isJson: boolean): RecordedResponse {
  const body =
    isJson && answer !== null && typeof answer === "object" && !Array.isArray(answer) && "error" in answer
      ? (answer as { error: unknown }).error
      : answer;
  const message = isJson
    ? `Error code: ${status} - ${pythonRepr(answer)}`
    : textOf(answer) || `Error code: ${status}`;
  const exception: ExceptionData = {
    category: "provider_sdk",
    provider: "openai",
    type: pythonErrorClass(status),
    message,
    status_code: status,
    body,
  };
  return {
    body: null,
    is_streaming: false,
    is_exception: true,
    exception_data: exception,
    exception_message: message,
  };
}
