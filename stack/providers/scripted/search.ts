/**
 * The scripted provider's web search: answers `POST /search` as Tavily does, from the
 * test's script. A search's results sit on the `web_search` call that asks for them:
 *
 *     { "tool_calls": [{ "name": "web_search", "arguments": { "query": "Llama 4 experts" },
 *                        "search_results": [{ "url": "…", "title": "…", "content": "…", "score": 0.9 }] }] }
 *
 * (or `"search_error": {"status", "message"}` for a search that fails). Searches are
 * recorded by query alone, as Llama Stack records them, so two tests that search for the
 * same query share one recording and should script the same results.
 */
import { display, ScriptError, scriptTurns } from "./script.ts";

export function answerSearch(scriptsDir: string, testId: string, query: string): Response {
  const where = `for the web search '${query}' of test '${testId}'`;
  const { turns, file, title } = scriptTurns(scriptsDir, testId, where);
  for (const turn of turns) {
    for (const call of turn.tool_calls ?? []) {
      if (call.name !== "web_search" || queryOf(call.arguments) !== query) continue;
      if (call.search_error) {
        return Response.json(
          { detail: { error: call.search_error.message } },
          { status: call.search_error.status },
        );
      }
      if (call.search_results) {
        return Response.json({
          query,
          follow_up_questions: null,
          answer: null,
          images: [],
          results: call.search_results,
        });
      }
    }
  }
  throw new ScriptError(
    "script_missing",
    `No scripted search results ${where}: in ${display(file)}, entry '${title}', give a web_search call with this query its "search_results" (or "search_error").`,
  );
}

function queryOf(args: string | Record<string, unknown>): unknown {
  if (typeof args !== "string") return args.query;
  try {
    return (JSON.parse(args) as { query?: unknown }).query;
  } catch {
    return undefined;
  }
}
