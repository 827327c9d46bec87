/**
 * The integration suites. One project per stack config × setup × model list, from the
 * environment scripts/integration-tests.sh exports; with none of it, a bare
 * `npx playwright test` replays the Responses suite against `local` × `scripted`.
 */
import { defineConfig } from "@playwright/test";
import dotenv from "dotenv";
import { SUITES } from "./tests/integration/fixtures/catalog.ts";
import { type HarnessSettings, settingsFromEnv } from "./tests/integration/fixtures/settings.ts";

// Keys for recording (OPENAI_API_KEY, …) may live in .env; the environment wins.
dotenv.config({ quiet: true });

const settings = settingsFromEnv(process.env);
const suite = SUITES[settings.suite];
const subdirs = settings.subdirs.map((dir) =>
  dir.replace(/^\/+|\/+$/g, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
);
const models = [
  `txt=${settings.textModel}`,
  ...(settings.embeddingModel ? [`emb=${settings.embeddingModel}`] : []),
];
const talksToProviders = settings.mode !== "replay";

export default defineConfig<object, { harness: HarnessSettings }>({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Replay is fast; real providers are not.
  timeout: talksToProviders ? 120_000 : 15_000,
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: process.env.STACK_TEST_HTML_REPORT || "playwright-report" }],
    ["json", { outputFile: process.env.STACK_TEST_JSON_REPORT || "test-results/integration-results.json" }],
  ],
  outputDir: "test-results/integration",
  projects: [
    {
      name: `${settings.stackConfig} × ${settings.setup} (${models.join(", ")})`,
      testDir: suite?.roots[0] ?? "tests/integration",
      ...(subdirs.length ? { testMatch: new RegExp(`/(${subdirs.join("|")})/.*\\.spec\\.ts$`) } : {}),
      use: { harness: settings },
    },
  ],
});
