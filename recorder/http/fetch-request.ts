/** Reads what a `fetch(input, init)` call asks for, without consuming what upstream will send. */

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface FetchedRequest {
  method: string;
  url: string;
  /** The JSON body, or for a body-less request its query parameters (`{}` when none). */
  body: unknown;
  headers: Headers;
}

export async function readFetchRequest(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<FetchedRequest> {
  const isRequest = typeof input === "object" && !(input instanceof URL);
  const url = isRequest ? input.url : String(input);
  const method = (init?.method ?? (isRequest ? input.method : "GET")).toUpperCase();
  let text: string;
  if (init?.body !== undefined && init.body !== null) text = await bodyText(init.body);
  else if (isRequest && input.body) text = await input.clone().text();
  else text = "";
  const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
  return { method, url, body: text === "" ? queryParameters(url) : parseBody(text), headers };
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

function parseBody(text: string): unknown {
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
