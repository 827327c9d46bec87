/**
 * Every id the stack hands out goes through `ports.mintId`, so that under a test the
 * recorder can make it deterministic; the fallbacks are what production gets.
 */
import { randomUUID } from "node:crypto";
import type { StackPorts } from "../ports.ts";

const random = (prefix: string) => () => `${prefix}${randomUUID().replaceAll("-", "")}`;

export interface Ids {
  response(): string;
  message(): string;
  functionCall(): string;
  functionCallOutput(): string;
  /** For a model that streams a tool call without an id of its own. */
  toolCall(): string;
  /** Any other kind of object, e.g. a built-in tool's output item (`web_search_call`, `ws_`). */
  mint(kind: string, prefix: string): string;
}

export function createIds(ports: Pick<StackPorts, "mintId">): Ids {
  const mint = (kind: string, prefix: string) => ports.mintId(kind, random(prefix));
  return {
    response: () => mint("response", "resp_"),
    message: () => mint("message", "msg_"),
    functionCall: () => mint("function_call", "fc_"),
    functionCallOutput: () => mint("function_call_output", "fco_"),
    toolCall: () => mint("tool_call", "call_"),
    mint,
  };
}
