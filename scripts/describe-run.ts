/**
 * Checks the run's settings (from the environment integration-tests.sh exports, and
 * .env) and prints them, one block per Playwright project; exits 1 with the reason when
 * one is invalid. Setups and suites live in tests/integration/fixtures/catalog.ts, stack
 * configs in stacks.config.json (read by tests/integration/fixtures/stacks/stack-configs.ts).
 */
import { relative } from "node:path";
import { SETUPS, SUITES } from "../tests/integration/fixtures/catalog.ts";
import { loadDotEnv, PROJECT_ROOT, projectSettingsFromEnv } from "../tests/integration/fixtures/settings.ts";
import { recordsUnseen, resolveStackConfig } from "../tests/integration/fixtures/stacks/stack-configs.ts";

try {
  loadDotEnv();
  for (const settings of projectSettingsFromEnv(process.env)) {
    const stack = resolveStackConfig(settings.stackConfig);
    const recordings = recordsUnseen(stack)
      ? "where the stack keeps them (it records below itself, unseen by the harness)"
      : `${relative(PROJECT_ROOT, settings.recordingDir) || "."}/${settings.suite}/`;
    const lines = [
      ["stack config", `${settings.stackConfig} (${stack.description})`],
      ["in test ids", `stack=${settings.stackName}`],
      ["suite", `${settings.suite} (${SUITES[settings.suite]?.roots.join(", ")})`],
      ["setup", `${settings.setup} (${SETUPS[settings.setup]?.description})`],
      ["text model", settings.textModel],
      ["embedding model", settings.embeddingModel ?? "-"],
      ["inference mode", settings.mode],
      ["recordings", recordings],
      ["subdirs", settings.subdirs.join(", ") || "-"],
    ];
    for (const [name, value] of lines) console.log(`  ${`${name}:`.padEnd(17)} ${value}`);
    console.log("");
  }
} catch (error) {
  console.error(`Error: ${(error as Error).message}`);
  process.exit(1);
}
