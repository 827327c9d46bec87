/**
 * Built-in tools (web_search, file_search, mcp, …) are tools the stack runs itself, as
 * opposed to function tools, which the client runs. Each one registers here under its
 * Responses API tool type; a request naming a type that nobody registered is refused
 * with a 400 before any inference happens, so an unsupported tool never fails silently.
 *
 * None is registered yet: they arrive with the issue that adds built-in tools, together
 * with the inference loop that executes their calls (through `StackPorts.invokeTool`, so
 * they are recorded) and feeds the results back to the model.
 */
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import type { z } from "zod";
import { invalidParameter } from "../errors.ts";

export interface BuiltinTool {
  /** The Responses API tool type it serves, e.g. `web_search`. */
  readonly type: string;
  /** Validates a `tools[]` entry of this type. */
  readonly schema: z.ZodType<{ type: string }>;
  /** The chat-completions tools that the model sees in its place. */
  toChatTools(tool: { type: string }): ChatCompletionTool[];
}

export class ToolRegistry {
  readonly #tools = new Map<string, BuiltinTool>();

  constructor(tools: Iterable<BuiltinTool> = []) {
    for (const tool of tools) this.#tools.set(tool.type, tool);
  }

  get(type: string): BuiltinTool | undefined {
    return this.#tools.get(type);
  }

  /** Every tool type a request may use: client-side functions, then the built-ins. */
  supportedTypes(): string[] {
    return ["function", ...this.#tools.keys()];
  }

  /** The built-in registered for `type`, or a 400 naming the parameter and what is supported. */
  require(type: string, param: string): BuiltinTool {
    const tool = this.#tools.get(type);
    if (tool) return tool;
    const supported = this.supportedTypes()
      .map((name) => `'${name}'`)
      .join(", ");
    throw invalidParameter(
      param,
      `Tool type '${type}' is not supported by this stack yet. Supported tool types: ${supported}.`,
      "unsupported_tool_type",
    );
  }
}
