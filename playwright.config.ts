/**
 * The integration suites. One project per stack config × setup × text model, from the
 * environment scripts/integration-tests.sh exports (each may list several values,
 * comma-separated); with none of it, a bare `npx playwright test` replays the Responses
 * suite against `local` × `scripted`.
 */
import { defineConfig, type Project } from "@playwright/test";
import { SETUPS, SUITES } from "./tests/integration/fixtures/catalog.ts";
import {
  fromRoot,
  type HarnessSettings,
  loadDotEnv,
  projectSettingsFromEnv,
} from "./tests/integration/fixtures/settings.ts";
import { LLAMA_STACK_VARIANT_TAG } from "./tests/integration/fixtures/test-id.ts";

loadDotEnv();

const projects = projectSettingsFromEnv(process.env);
const talksToProviders = projects.some((settings) => settings.mode !== "replay");
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function projectFor(settings: HarnessSettings): Project<object, { harness: HarnessSettings }> {
  const suite = SUITES[settings.suite];
  const subdirs = settings.subdirs.map((dir) => escapeRegExp(dir.replace(/^\/+|\/+$/g, "")));
  const models = [
    `txt=${settings.textModel}`,
    ...(settings.embeddingModel ? [`emb=${settings.embeddingModel}`] : []),
  ];
  return {
    name: `${settings.stackConfig} × ${settings.setup} (${models.join(", ")})`,
    testDir: fromRoot(suite?.roots[0] ?? "tests/integration"),
    ...(subdirs.length ? { testMatch: new RegExp(`/(${subdirs.join("|")})/.*\\.spec\\.ts$`) } : {}),
    // A ported test's copies for Llama Stack's other clients replay that client's recordings:
    // only a setup whose tests take Llama Stack ids has them.
    ...(SETUPS[settings.setup]?.llamaStackIds ? {} : { grepInvert: new RegExp(LLAMA_STACK_VARIANT_TAG) }),
    use: { harness: settings },
  };
}

export default defineConfig<object, { harness: HarnessSettings }>({
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
    // A shard's report, for `npx playwright merge-reports` (scripts/integration-tests.sh --shard sets it).
    ...(process.env.STACK_TEST_BLOB_REPORT
      ? [["blob", { outputDir: process.env.STACK_TEST_BLOB_REPORT }] as const]
      : []),
  ],
  outputDir: "test-results/integration",
  projects: projects.map(projectFor),
});
