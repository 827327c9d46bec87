/** How the recorder answers a request; see DESIGN.md, "The recorder". */
export const INFERENCE_MODES = ["replay", "record", "record-if-missing", "live"] as const;
export type InferenceMode = (typeof INFERENCE_MODES)[number];

export const MODE_ENV = "STACK_TEST_INFERENCE_MODE";
export const RECORDING_DIR_ENV = "STACK_TEST_RECORDING_DIR";
export const DEFAULT_RECORDING_DIR = "recordings";

export function parseInferenceMode(value: string | undefined, source = MODE_ENV): InferenceMode {
  if (value === undefined || value === "") return "replay";
  const mode = value.trim().toLowerCase();
  if ((INFERENCE_MODES as readonly string[]).includes(mode)) return mode as InferenceMode;
  throw new Error(
    `Unknown inference mode ${JSON.stringify(value)} (from ${source}). Valid modes: ${INFERENCE_MODES.join(", ")}.`,
  );
}

/** Modes that may answer from a recording. */
export function readsRecordings(mode: InferenceMode): boolean {
  return mode === "replay" || mode === "record-if-missing";
}

/** Modes that call upstream and write what they get. */
export function writesRecordings(mode: InferenceMode): boolean {
  return mode === "record" || mode === "record-if-missing";
}
