/**
 * Built-in tools (web_search, file_search, mcp, …) are tools the stack runs itself, as
 * opposed to function tools, which the client runs. Each one registers here under the
 * Responses API tool types it serves (see ./types.ts for what a built-in is); a request
 * naming a type that nobody registered is refused with a 400 before any inference
 * happens, so an unsupported tool never fails silently.
 */
import { invalidParameter } from "../errors.ts";
import type { BuiltinTool } from "./types.ts";

export class ToolRegistry {
  readonly #tools = new Map<string, BuiltinTool>();

  constructor(tools: Iterable<BuiltinTool> = []) {
    for (const tool of tools) {
      for (const type of tool.types) this.#tools.set(type, tool);
    }
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
