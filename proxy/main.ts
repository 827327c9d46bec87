#!/usr/bin/env node
/**
 * `npm run proxy -- --upstream openai=https://api.openai.com/v1 [--upstream …] [--port N]`
 * (installed: `npx responses-harness-proxy …`): the recording proxy for a stack in any
 * language. Point the stack's provider base URLs at the URLs it prints; its calls are
 * recorded and replayed like the reference stack's.
 */
import { parseArgs } from "node:util";
import { DEFAULT_RECORDING_DIR, INFERENCE_MODES, MODE_ENV, RECORDING_DIR_ENV } from "../recorder/index.ts";
import { startRecordingProxy } from "./server.ts";
import { parseUpstreams } from "./upstreams.ts";

const USAGE = `Usage: responses-harness-proxy --upstream NAME=URL [--upstream NAME=URL …] [options]
       (in the responses-harness repository: npm run proxy -- …)

Serves each upstream (an OpenAI-compatible provider, Ollama, …) at http://HOST:PORT/NAME/…,
and records or replays every call through the recorder, into the same files as the harness.

Options:
  --upstream NAME=URL   a provider, e.g. openai=https://api.openai.com/v1; repeatable
  --port N              port to listen on (default: 0, a free one)
  --host HOST           address to listen on (default: 127.0.0.1)
  --mode MODE           ${INFERENCE_MODES.join(", ")} (default: $${MODE_ENV}, else replay)
  --recording-dir DIR   recordings folder (default: $${RECORDING_DIR_ENV}, else ${DEFAULT_RECORDING_DIR})
  -h, --help            this text

The test id comes from each request's X-Test-Id, X-LlamaStack-Provider-Data or
X-OGX-Provider-Data header ({"__test_id": …}), else from the test declared current:
  POST /__recorder/test {"testId": "<id>"}   ({"testId": null}: none)
  GET  /__recorder/journal?test_id=<id>      what was replayed, recorded or missed for it

It prints one line per upstream, "NAME http://HOST:PORT/NAME/… -> URL" (the base URL to
give the stack), then "listening on http://HOST:PORT". SIGTERM or SIGINT stops it.`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: "string", multiple: true },
      port: { type: "string" },
      host: { type: "string" },
      mode: { type: "string" },
      "recording-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const portText = values.port ?? "0";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, not '${portText}'.`);
  }
  const server = await startRecordingProxy({
    upstreams: parseUpstreams(values.upstream ?? []),
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.mode ? { mode: values.mode } : {}),
    ...(values["recording-dir"] ? { recordingDir: values["recording-dir"] } : {}),
  });
  const { mode, store } = server.proxy.current.recorder;
  for (const upstream of server.proxy.upstreams) {
    process.stdout.write(`${upstream.name} ${server.baseUrls[upstream.name]} -> ${upstream.url}\n`);
  }
  process.stderr.write(`[recording-proxy] mode ${mode}, recordings in ${store.root}\n`);
  // Last, so that a reader waiting for it has every base URL already.
  process.stdout.write(`listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `[recording-proxy] ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`,
  );
  process.exit(1);
});
