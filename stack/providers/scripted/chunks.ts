/**
 * A scripted turn as a real model streams it (compare the seed recording): a role chunk,
 * text in word-sized deltas, each tool call as a first fragment with id and name and
 * empty arguments followed by argument fragments, a final chunk with the finish reason,
 * and a usage chunk when the request asked for one.
 */
import { createHash } from "node:crypto";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ScriptTurn } from "./script.ts";

type Delta = ChatCompletionChunk.Choice.Delta;

export interface ChunkMeta {
  /** Identifies the turn; call ids and the completion id derive from it, so they never change. */
  seed: string;
  model: string;
  created: number;
  includeUsage: boolean;
  promptTokens: number;
}

export interface ScriptedStream {
  chunks: ChatCompletionChunk[];
  /** When set, the stream breaks with this error after `chunks`. */
  error?: { message: string; type: string; param: null; code: string };
}

/** Word-sized pieces that join back to `text` exactly: leading space kept, punctuation apart. */
export function splitWords(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}_']+|\s*[^\s\p{L}\p{N}_']|\s+$/gu) ?? [];
}

function splitArguments(text: string): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let at = 0; at < characters.length; at += 5) pieces.push(characters.slice(at, at + 5).join(""));
  return pieces;
}

export function countTokens(text: string): number {
  return splitWords(text).length;
}

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function callArguments(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

function callIds(turn: ScriptTurn, seed: string): string[] {
  return (turn.tool_calls ?? []).map((call, index) => call.id ?? `call_${digest(`${seed}#${index}`, 24)}`);
}

function finishReason(turn: ScriptTurn): NonNullable<ChatCompletionChunk.Choice["finish_reason"]> {
  return turn.finish_reason ?? (turn.tool_calls ? "tool_calls" : "stop");
}

export function streamTurn(turn: ScriptTurn, meta: ChunkMeta): ScriptedStream {
  const base = {
    id: `chatcmpl-${digest(meta.seed, 24)}`,
    object: "chat.completion.chunk" as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: "scripted",
    ...(meta.includeUsage ? { usage: null } : {}),
  };
  const chunk = (
    delta: Delta,
    finish: ChatCompletionChunk.Choice["finish_reason"] = null,
  ): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });

  const content: Delta[] = [];
  for (const word of splitWords(turn.text ?? "")) content.push({ content: word });
  for (const word of splitWords(turn.refusal ?? "")) content.push({ refusal: word });
  const ids = callIds(turn, meta.seed);
  for (const [index, call] of (turn.tool_calls ?? []).entries()) {
    content.push({
      tool_calls: [{ index, id: ids[index], type: "function", function: { name: call.name, arguments: "" } }],
    });
    for (const piece of splitArguments(callArguments(call.arguments))) {
      content.push({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  }

  const role: Delta = { role: "assistant", content: turn.text !== undefined ? "" : null };
  if (turn.stream_error) {
    return {
      chunks: [chunk(role), ...content.slice(0, turn.stream_error.after).map((delta) => chunk(delta))],
      error: {
        message: turn.stream_error.message,
        type: "server_error",
        param: null,
        code: turn.stream_error.code ?? "server_error",
      },
    };
  }
  const chunks = [chunk(role), ...content.map((delta) => chunk(delta)), chunk({}, finishReason(turn))];
  if (meta.includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(turn, meta, content.length) });
  return { chunks };
}

/** The same turn as one non-streamed completion. */
export function completeTurn(turn: ScriptTurn, meta: ChunkMeta): ChatCompletion {
  const ids = callIds(turn, meta.seed);
  const toolCalls = (turn.tool_calls ?? []).map((call, index) => ({
    id: ids[index] ?? "",
    type: "function" as const,
    function: { name: call.name, arguments: callArguments(call.arguments) },
  }));
  const deltas =
    splitWords(turn.text ?? "").length + splitWords(turn.refusal ?? "").length + toolCalls.length;
  return {
    id: `chatcmpl-${digest(meta.seed, 24)}`,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: "scripted",
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: finishReason(turn),
        message: {
          role: "assistant",
          content: turn.text ?? null,
          refusal: turn.refusal ?? null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: usageOf(turn, meta, deltas),
  };
}

function usageOf(turn: ScriptTurn, meta: ChunkMeta, deltas: number): CompletionUsage {
  const prompt = turn.usage?.prompt_tokens ?? meta.promptTokens;
  const completion = turn.usage?.completion_tokens ?? deltas;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
