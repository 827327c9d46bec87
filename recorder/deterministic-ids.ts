/**
 * Ids and timestamps that are the same in record and replay, so that an id the stack
 * mints and later sends upstream (a file id, a vector store id) hashes the same.
 * Llama Stack's scheme: per test and per kind, a counter that starts at
 * sha256(test_id) mod 10^12 and counts up from there.
 */
import { sha256Hex } from "./request-hash.ts";

/** Llama Stack's prefixes, then the reference stack's own kinds. */
export const ID_PREFIXES: Readonly<Record<string, string>> = {
  file: "file-",
  vector_store: "vs_",
  vector_store_file_batch: "batch_",
  tool_call: "call_",
  response: "resp_",
  message: "msg_",
  function_call: "fc_",
  conversation: "conv_",
  function_call_output: "fco_",
  web_search_call: "ws_",
  mcp_list_tools: "mcpl_",
  mcp_call: "mcp_",
  mcp_approval_request: "mcpr_",
  mcp_approval_response: "mcpa_",
};

const COUNTER_MODULUS = 1_000_000_000_000n;
/** 2023-11-14T22:13:20Z: a recognisable, fixed start for per-test clocks. */
const CLOCK_EPOCH = 1_700_000_000;

export class DeterministicIds {
  readonly #counters = new Map<string, Map<string, bigint>>();
  readonly #clocks = new Map<string, number>();

  /** The next id of `kind` for `testId`, or undefined for kinds without a prefix. */
  next(testId: string, kind: string): string | undefined {
    const prefix = ID_PREFIXES[kind];
    if (prefix === undefined) return undefined;
    let counters = this.#counters.get(testId);
    if (!counters) {
      counters = new Map();
      this.#counters.set(testId, counters);
    }
    const counter = (counters.get(kind) ?? startingCounter(testId)) + 1n;
    counters.set(kind, counter);
    return `${prefix}${counter}`;
  }

  /** Seconds since the epoch that advance by one on each call within a test. */
  tick(testId: string): number {
    const next = (this.#clocks.get(testId) ?? CLOCK_EPOCH - 1) + 1;
    this.#clocks.set(testId, next);
    return next;
  }

  /** Forget a test's counters, so that a retried test mints the same ids again. */
  reset(testId: string): void {
    this.#counters.delete(testId);
    this.#clocks.delete(testId);
  }
}

function startingCounter(testId: string): bigint {
  return BigInt(`0x${sha256Hex(testId)}`) % COUNTER_MODULUS;
}
