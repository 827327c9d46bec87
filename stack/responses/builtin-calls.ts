/**
 * Built-in tools' items in the response: each gets its output index as it is added, its
 * start events at once, and its outcome events and `output_item.done` in output order.
 * The calls of one turn run at the same time (at most `concurrency` of them), so their
 * events are deterministic whatever order the work finishes in.
 */
import pLimit from "p-limit";
import type { BuiltinCall, CallOutcome, ItemPosition } from "../tools/types.ts";
import type { BuiltinOutputItem, OutputItem } from "./items.ts";
import type { PendingEvent } from "./types.ts";

/** Adds a built-in's item that needs no work (an approval request): added, then done. */
export function* emitItem(item: BuiltinOutputItem, output: OutputItem[]): Generator<PendingEvent> {
  const outputIndex = output.length;
  output.push(item);
  yield { type: "response.output_item.added", output_index: outputIndex, item: structuredClone(item) };
  yield { type: "response.output_item.done", output_index: outputIndex, item: structuredClone(item) };
}

/**
 * Runs `calls` and writes their items into `output`; returns their outcomes in call
 * order. Rejects, once every call has settled, with the first failure of the stack itself.
 */
export async function* runCalls(
  calls: readonly BuiltinCall[],
  output: OutputItem[],
  concurrency: number,
): AsyncGenerator<PendingEvent, CallOutcome[]> {
  const limit = pLimit(Math.max(1, concurrency));
  const started: Array<{ at: ItemPosition; run: Promise<CallOutcome> }> = [];
  for (const call of calls) {
    const at = { item_id: call.item.id, output_index: output.length };
    output.push(call.item);
    yield {
      type: "response.output_item.added",
      output_index: at.output_index,
      item: structuredClone(call.item),
    };
    yield* call.startEvents(at);
    const run = limit(() => call.run());
    // Awaited below, in order; until then a rejection must not count as unhandled.
    run.catch(() => {});
    started.push({ at, run });
  }
  try {
    const outcomes: CallOutcome[] = [];
    for (const { at, run } of started) {
      const outcome = await run;
      output[at.output_index] = outcome.item;
      yield* outcome.events(at);
      yield {
        type: "response.output_item.done",
        output_index: at.output_index,
        item: structuredClone(outcome.item),
      };
      outcomes.push(outcome);
    }
    return outcomes;
  } finally {
    // A failed response still waits for the calls in flight, so none outlives it.
    await Promise.allSettled(started.map(({ run }) => run));
  }
}

/** An item left unfinished by a failure, in the closest status its type allows. */
export function unfinished(item: OutputItem): OutputItem {
  if (
    !("status" in item) ||
    item.status === "completed" ||
    item.status === "failed" ||
    item.status === "incomplete"
  ) {
    return item;
  }
  switch (item.type) {
    case "web_search_call":
      return { ...item, status: "failed" };
    case "message":
    case "function_call":
    case "file_search_call":
    case "mcp_call":
      return { ...item, status: "incomplete" } as OutputItem;
    default:
      return item;
  }
}
