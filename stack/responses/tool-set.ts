/**
 * The tools of one request, ready for the loop: the chat tools the model sees, in the
 * request's order (function tools dumped as Llama Stack dumps them, built-ins as their
 * tools present themselves), and for each chat tool name whether the stack runs it and
 * which built-in does. A function tool wins a name over a built-in, as in Llama Stack.
 */
import { invalidParameter } from "../errors.ts";
import type { ChatTool } from "../tools/chat-tool.ts";
import type { ToolRegistry } from "../tools/registry.ts";
import type { BuiltinCall, PrepareContext, PreparedTool } from "../tools/types.ts";
import type { CreateResponseBody, FunctionToolParam } from "./request.ts";

export class ToolSet {
  readonly chatTools: ChatTool[] = [];
  /** Items the built-ins add before the first inference, in tool order. */
  readonly preamble: BuiltinCall[] = [];
  readonly #functions = new Set<string>();
  readonly #builtins = new Map<string, PreparedTool>();

  static async prepare(
    tools: CreateResponseBody["tools"],
    registry: ToolRegistry,
    context: PrepareContext,
  ): Promise<ToolSet> {
    const set = new ToolSet();
    for (const [index, tool] of tools.entries()) {
      if (isFunctionTool(tool)) {
        set.chatTools.push(functionToChat(tool));
        set.#functions.add(tool.name);
        continue;
      }
      const prepared = await registry.require(tool.type, `tools[${index}].type`).prepare(tool, context);
      for (const chatTool of prepared.chatTools) {
        const { name } = chatTool.function;
        if (set.#builtins.has(name)) {
          throw invalidParameter(
            `tools[${index}]`,
            `Two built-in tools offer the model a tool named '${name}'; give each name once.`,
            "duplicate_tool_name",
          );
        }
        set.#builtins.set(name, prepared);
        set.chatTools.push(chatTool);
      }
      set.preamble.push(...prepared.preamble);
    }
    return set;
  }

  /** The built-in that runs calls of `name`, or undefined for a client-side function. */
  builtinFor(name: string): PreparedTool | undefined {
    return this.#functions.has(name) ? undefined : this.#builtins.get(name);
  }

  readonly isBuiltin = (name: string): boolean => this.builtinFor(name) !== undefined;
}

function isFunctionTool(tool: { type: string }): tool is FunctionToolParam {
  return tool.type === "function";
}

/** A function tool as Llama Stack dumps it: the Responses tool, `type` included, inside `function`. */
function functionToChat(tool: FunctionToolParam): ChatTool {
  return {
    type: "function",
    function: {
      type: "function",
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      ...(tool.parameters != null ? { parameters: tool.parameters } : {}),
      strict: tool.strict ?? null,
    },
  };
}
