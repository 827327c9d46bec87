/** What a test's recorder did, attached to its report: every interaction, and each replay miss on its own. */
import type { TestInfo } from "@playwright/test";
import type { InferenceMode, TestJournal } from "../recorder/index.ts";

export async function attachJournal(
  testInfo: Pick<TestInfo, "attach">,
  testId: string,
  mode: InferenceMode,
  journal: TestJournal,
): Promise<void> {
  await testInfo.attach("recorded interactions", {
    body: JSON.stringify({ testId, mode, ...journal }, null, 2),
    contentType: "application/json",
  });
  for (const [index, miss] of journal.misses.entries()) {
    await testInfo.attach(`replay miss ${index + 1}`, { body: miss, contentType: "text/plain" });
  }
}
