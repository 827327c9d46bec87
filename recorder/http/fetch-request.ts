/** Reads what a `fetch(input, init)` call asks for, without consuming what upstream will send. */
import { headerCredentials, type Secret, urlCredentials } from "../redaction/credentials.ts";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface FetchedRequest {
  method: string;
  url: string;
  /** The JSON body, or for a body-less request its query parameters (`{}` when none). */
  body: unknown;
  /** The credentials sent (headers, provider data, URL userinfo and query), for redaction. */
  credentials: Secret[];
}

/** Synchronous for the string bodies the openai SDK sends: the replay path stays free of extra awaits. */
export function readFetchRequest(
  input: string | URL | Request,
  init?: RequestInit,
): FetchedRequest | Promise<FetchedRequest> {
  const isRequest = typeof input === "object" && !(input instanceof URL);
  const url = isRequest ? input.url : String(input);
  const method = (init?.method ?? (isRequest ? input.method : "GET")).toUpperCase();
  const credentials = [
    ...credentialsOfHeaders(init?.headers ?? (isRequest ? input.headers : undefined)),
    ...(url.includes("?") || url.includes("@") ? urlCredentials(url) : []),
  ];
  const fromText = (text: string): FetchedRequest => ({
    method,
    url,
    body: text === "" ? queryParameters(url) : parseJsonOrText(text),
    credentials,
  });
  const body = init?.body;
  if (typeof body === "string") return fromText(body);
  if (body !== undefined && body !== null) return bodyText(body).then(fromText);
  if (isRequest && input.body) return input.clone().text().then(fromText);
  return fromText("");
}

function credentialsOfHeaders(headers: RequestInit["headers"]): Secret[] {
  if (!headers) return [];
  const entries =
    headers instanceof Headers || Array.isArray(headers) ? [...headers] : Object.entries(headers);
  return headerCredentials(
    entries.filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

async function bodyText(body: NonNullable<RequestInit["body"]>): Promise<string> {
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body))
    return new TextDecoder().decode(body as ArrayBuffer);
  if (body instanceof Blob) return body.text();
  throw new TypeError(
    `The recorder cannot hash a ${body.constructor?.name ?? typeof body} request body: ` +
      "send JSON as a string (the openai SDK does).",
  );
}

/** A JSON body parsed, or a body that is not JSON kept as its text. */
export function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function queryParameters(url: string): Record<string, string> {
  const query = url.indexOf("?");
  if (query < 0) return {};
  return Object.fromEntries(new URLSearchParams(url.slice(query + 1).split("#")[0]));
}
