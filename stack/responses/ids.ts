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
}

export function createIds(ports: Pick<StackPorts, "mintId">): Ids {
  return {
    response: () => ports.mintId("response", random("resp_")),
    message: () => ports.mintId("message", random("msg_")),
    functionCall: () => ports.mintId("function_call", random("fc_")),
    functionCallOutput: () => ports.mintId("function_call_output", random("fco_")),
    toolCall: () => ports.mintId("tool_call", random("call_")),
  };
}
