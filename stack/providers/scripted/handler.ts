/**
 * The scripted provider: an OpenAI-compatible chat-completions endpoint, in process, as a
 * `fetch` function (no socket). The stack reaches it like any provider, through the
 * ports' fetch at `http://scripted.local/v1`; whatever sits in that fetch (the recorder)
 * composes this handler underneath, so scripted turns are recorded like real ones.
 *
 * Stateless: the turn is the number of assistant messages already in the request, so a
 * replay that is missing only some turns can record just those.
 *
 * It also answers `POST /search` as Tavily would, with the script's search results (see
 * ./search.ts), for the scripted setup's `web_search`.
 *
 * A missing or invalid script is not an answer the model gave: the fetch rejects with a
 * `ScriptError` (as a network failure would), so no recorder ever writes it down, and
 * the stack reports its message.
 */
import type { UpstreamFetch } from "../../ports.ts";
import { completeTurn, countTokens, streamTurn } from "./chunks.ts";
import { type EmbeddingsBody, SCRIPTED_EMBEDDING_MODEL, scriptedEmbeddings } from "./embedding.ts";
import { findTurn, ScriptError } from "./script.ts";
import { answerSearch } from "./search.ts";

export interface ScriptedProviderOptions {
  /** Folder of `<spec name>.json` scripts. */
  scriptsDir: string;
  /** The test whose script answers; the ports' `currentTestId`. */
  currentTestId: () => string | undefined;
  /** Seconds since the epoch for `created`. */
  now?: () => number;
}

export interface ScriptedProvider {
  fetch: UpstreamFetch;
}

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

export function createScriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));

  async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path.endsWith("/models")) {
      return Response.json({
        object: "list",
        data: ["scripted/assistant", SCRIPTED_EMBEDDING_MODEL].map((id) => ({
          id,
          object: "model",
          created: 0,
          owned_by: "scripted",
        })),
      });
    }
    if (request.method === "POST" && path.endsWith("/embeddings")) {
      // Embeddings need no script: the scripted embedding model is a pure function of the text.
      const body = (await request.json().catch(() => undefined)) as EmbeddingsBody | undefined;
      const result = body ? scriptedEmbeddings(body) : { error: "The request body is not JSON." };
      return "error" in result ? errorResponse(400, result.error) : Response.json(result);
    }
    const searching = request.method === "POST" && path === "/search";
    if (!searching && (request.method !== "POST" || !path.endsWith("/chat/completions"))) {
      return errorResponse(
        404,
        `The scripted provider only serves chat completions, embeddings and search, not ${request.method} ${path}.`,
      );
    }
    let body: ChatBody & { query?: unknown };
    try {
      body = (await request.json()) as ChatBody;
    } catch {
      return errorResponse(400, "The scripted provider could not parse the request body as JSON.");
    }
    const testId = options.currentTestId();
    if (!testId) {
      throw new ScriptError(
        "script_missing",
        "The scripted provider picks its answer by test id, and no test id is bound to this request " +
          "(send the X-Test-Id header, or call inside a test context).",
      );
    }
    if (searching) return answerSearch(options.scriptsDir, testId, String(body.query ?? ""));
    const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
    const turnIndex = messages.filter((message) => message.role === "assistant").length;
    const turn = findTurn(options.scriptsDir, testId, turnIndex);
    if (turn.error) {
      const { status, message, type, code, param } = turn.error;
      return Response.json(
        {
          error: {
            message,
            type: type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
            param: param ?? null,
            code: code ?? null,
          },
        },
        { status },
      );
    }
    const model = typeof body.model === "string" ? body.model : "scripted/assistant";
    const meta = {
      seed: `${testId}#${turnIndex}`,
      model: model.startsWith("scripted/") ? model : `scripted/${model}`,
      created: now(),
      includeUsage: body.stream_options?.include_usage === true,
      promptTokens: messages.reduce((sum, message) => sum + countTokens(textOf(message.content)), 0),
    };
    if (body.stream !== true) {
      if (turn.stream_error)
        return errorResponse(500, turn.stream_error.message, turn.stream_error.code ?? "server_error");
      return Response.json(completeTurn(turn, meta));
    }
    const { chunks, error } = streamTurn(turn, meta);
    const lines = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    lines.push(error ? `data: ${JSON.stringify({ error })}\n\n` : "data: [DONE]\n\n");
    return new Response(lines.join(""), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  }

  return {
    fetch: (input, init) =>
      handle(input instanceof Request && init === undefined ? input : new Request(input, init)),
  };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (part && typeof part.text === "string" ? part.text : "")).join(" ");
}

function errorResponse(status: number, message: string, code: string | null = null): Response {
  const type = status >= 500 ? "server_error" : "invalid_request_error";
  return Response.json({ error: { message, type, param: null, code } }, { status });
}
