/** The tracing bench (bench/tracing.bench.ts) runs one Playwright test per stack form, one worker. */
import { defineConfig } from "@playwright/test";
import { type HarnessSettings, settingsFromEnv } from "../../tests/integration/fixtures/settings.ts";

export default defineConfig<object, { harness: HarnessSettings }>({
  testDir: ".",
  testMatch: "tracing.spec.ts",
  workers: 1,
  timeout: 300_000,
  reporter: [["line"]],
  outputDir: "../../test-results/bench-tracing",
  projects: ["local", "server:local"].map((stackConfig) => ({
    name: stackConfig,
    use: { harness: settingsFromEnv({ STACK_TEST_STACK_CONFIG: stackConfig }) },
  })),
});
