/**
 * What a built-in tool (web_search, file_search, mcp, …) is to the tool loop. Each one:
 *
 * 1. validates its `tools[]` entry (`schema`);
 * 2. is prepared once per request (`prepare`): it says which chat tools the model sees in
 *    its place, may reach its backend first (MCP lists the server's tools, and a refusal
 *    there is the request's 4xx, before any stream starts), and may add output items
 *    before the first inference (`mcp_list_tools`);
 * 3. runs the calls the model makes to its chat tools (`start`): each call is one output
 *    item with its streaming events, and one tool message for the model's next turn.
 *
 * The loop gives every item its output index and every event its sequence number; a
 * tool only says what the item and its events are.
 */
import type { z } from "zod";
import type { StackPorts } from "../ports.ts";
import type { ToolResultContent } from "../responses/chat-messages.ts";
import type { Ids } from "../responses/ids.ts";
import type { BuiltinOutputItem, StoredInputItem } from "../responses/items.ts";
import type { PendingEvent, ResponseObject } from "../responses/types.ts";
import type { ChatTool } from "./chat-tool.ts";

export interface BuiltinTool<Config extends { type: string } = { type: string }> {
  /** The Responses API tool types it serves, e.g. `web_search` and its dated variants. */
  readonly types: readonly string[];
  /** Validates a `tools[]` entry of these types. */
  readonly schema: z.ZodType<Config>;
  /** Readies one `tools[]` entry for one request; rejects with a StackError to refuse it. */
  prepare(config: Config, context: PrepareContext): Promise<PreparedTool>;
}

export interface PrepareContext {
  ports: StackPorts;
  ids: Ids;
  /** The response this one continues (`previous_response_id`), if any. */
  previous: ResponseObject | undefined;
  /** This request's input items. */
  input: readonly StoredInputItem[];
  signal?: AbortSignal | undefined;
}

/** The model's call of one of a built-in's chat tools. */
export interface ToolCallRequest {
  /** The call's id (`call_…`), which the tool message answers. */
  callId: string;
  name: string;
  /** As the model wrote them: JSON text, possibly malformed. */
  arguments: string;
}

/** Where an item sits in the response, for its events. */
export interface ItemPosition {
  item_id: string;
  output_index: number;
}

export type CallGate =
  | { kind: "run" }
  /** Held for the user's approval: this item (an `mcp_approval_request`) goes out instead. */
  | { kind: "ask"; item: BuiltinOutputItem }
  /** The user said no: the turn that asked for it is dropped, nothing runs. */
  | { kind: "deny" };

export interface PreparedTool {
  /** The chat tools the model sees for this entry, in Llama Stack's shape. */
  readonly chatTools: readonly ChatTool[];
  /** Items this entry adds before the first inference (an MCP server's tool list). */
  readonly preamble: readonly BuiltinCall[];
  /** Whether a chat tool name is one of this entry's. */
  handles(name: string): boolean;
  /** Whether a call may run now; without it every call runs. */
  gate?(call: ToolCallRequest): CallGate;
  start(call: ToolCallRequest, context: CallContext): BuiltinCall;
}

export interface CallContext {
  ports: StackPorts;
  ids: Ids;
  signal?: AbortSignal | undefined;
}

/** One output item a built-in makes, from its start to its outcome. */
export interface BuiltinCall {
  /** The item as it is added (`status: "in_progress"`). */
  readonly item: BuiltinOutputItem;
  /** Events after `response.output_item.added`, before the work (`….in_progress`, `….searching`). */
  startEvents(at: ItemPosition): PendingEvent[];
  /**
   * Does the work. A failure of the tool itself (the search provider's error, the MCP
   * server's) is a failed outcome the model is told about; a rejection is the stack's
   * own failure (a replay miss, a missing script) and fails the response.
   */
  run(): Promise<CallOutcome>;
}

export interface CallOutcome {
  /** The item as it is done (`completed` or `failed`). */
  item: BuiltinOutputItem;
  /** Events before `response.output_item.done` (`….completed` or `….failed`). */
  events(at: ItemPosition): PendingEvent[];
  /** What the model reads in the tool message that answers the call; none for a preamble item. */
  result?: ToolResultContent;
}
