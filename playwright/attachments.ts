/** What a test's recorder did, attached to its report: every interaction, and each replay miss on its own. */
import type { TestInfo } from "@playwright/test";
import type { InferenceMode, TestJournal } from "../recorder/index.ts";

export async function attachJournal(
  testInfo: Pick<TestInfo, "attach">,
  testId: string,
  mode: InferenceMode,
  journal: TestJournal,
  // A harness that fails the test with the miss itself leaves these out: the terminal
  // prints a text attachment cut at 300 characters, beside the whole miss.
  { attachMisses = true }: { attachMisses?: boolean } = {},
): Promise<void> {
  await testInfo.attach("recorded interactions", {
    body: JSON.stringify({ testId, mode, ...journal }, null, 2),
    contentType: "application/json",
  });
  if (!attachMisses) return;
  for (const [index, miss] of journal.misses.entries()) {
    await testInfo.attach(`replay miss ${index + 1}`, { body: miss, contentType: "text/plain" });
  }
}

/** The calls replay could not answer, as one error: a stack that swallowed them still fails its test with them. */
export class UnansweredCallsError extends Error {
  override name = "ReplayMissError";

  constructor(misses: readonly string[]) {
    const calls = misses.length === 1 ? "a call" : `${misses.length} calls`;
    super(`Replay could not answer ${calls} of this test:\n\n${misses.join("\n\n")}`);
  }
}
