/**
 * A recording process for fault-injection tests: records `count` times the same chat
 * completion (streamed or not) from `upstream`, under one test id, then exits.
 *
 *     node --import tsx record-worker.ts <recordingDir> <upstream base URL> <count> <stream: 0|1>
 */
import OpenAI from "openai";
import { createRecorder } from "../../../../recorder/index.ts";

const [recordingDir = "", baseURL = "", countText = "1", streamText = "0"] = process.argv.slice(2);
const recorder = createRecorder({ mode: "record", recordingDir, env: {} });
const client = new OpenAI({ apiKey: "k", baseURL, fetch: recorder.fetch, maxRetries: 0 });
const TEST_ID = "tests/integration/responses/faults.spec.ts::one hash, many writers[stack=local]";

await recorder.withTestId(TEST_ID, async () => {
  for (let index = 0; index < Number(countText); index++) {
    const params = { model: "m-1", messages: [{ role: "user" as const, content: "same request" }] };
    if (streamText === "1") {
      for await (const _ of await client.chat.completions.create({ ...params, stream: true })) {
        // Consumed whole: the recording is written once the stream ends.
      }
    } else {
      await client.chat.completions.create(params);
    }
  }
});
process.stdout.write("done\n");
