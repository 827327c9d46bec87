/**
 * The SDK's types as they travel on the wire. `Response.output_text` is a convenience the
 * SDK computes on the client, so the server never sends it.
 */
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";

/**
 * Why a response stopped short: OpenAI's two reasons, and Llama Stack's bound on
 * inference calls when built-in tools kept being called (`max_infer_iters`).
 */
export type IncompleteReason = NonNullable<Response.IncompleteDetails["reason"]> | "max_infer_iters";

export type ResponseObject = Omit<Response, "output_text" | "incomplete_details"> & {
  incomplete_details: { reason?: IncompleteReason } | null;
  /** On OpenAI's wire, though not in the SDK's type. */
  store?: boolean;
};

type OnTheWire<E> = E extends { response: Response } ? Omit<E, "response"> & { response: ResponseObject } : E;
export type StreamEvent = OnTheWire<ResponseStreamEvent>;

type WithoutSequence<E> = E extends unknown ? Omit<E, "sequence_number"> : never;
/** An event before the orchestrator stamps its `sequence_number`. */
export type PendingEvent = WithoutSequence<StreamEvent>;
