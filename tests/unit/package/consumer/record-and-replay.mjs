/**
 * A consumer's own code, in plain JavaScript run by plain `node`: its OpenAI client
 * records and replays through the installed package.
 *
 *     PROVIDER_URL=… PROVIDER_API_KEY=… node record-and-replay.mjs <mode>
 */
import OpenAI from "openai";
import { createRecorder } from "responses-harness/recorder";

const recorder = createRecorder({ mode: process.argv[2], recordingDir: "recordings" });
const client = new OpenAI({
  apiKey: process.env.PROVIDER_API_KEY,
  baseURL: process.env.PROVIDER_URL,
  fetch: recorder.fetch,
  maxRetries: 0,
});

const result = await recorder.withTestId(
  "tests/integration/responses/script.spec.ts::plain node",
  async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Say hello" }],
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Count to three" }],
      stream: true,
    });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    return { id: completion.id, text: completion.choices[0]?.message.content, streamed };
  },
);
process.stdout.write(JSON.stringify(result));
