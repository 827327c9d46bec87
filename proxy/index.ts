/**
 * The recording proxy: the recorder in front of a stack's providers, over HTTP, for
 * stacks in any language. `startRecordingProxy` serves it; `createRecordingProxy` is the
 * handler alone.
 */
export { createRecordingProxy, type RecordingProxy, type RecordingProxyOptions } from "./app.ts";
export { CONTROL_PREFIX } from "./control-routes.ts";
export {
  type RecordingProxyServer,
  type RecordingProxyServerOptions,
  startRecordingProxy,
} from "./server.ts";
export { parseUpstreams, proxiedBaseUrl, type Upstream, UpstreamSpecError } from "./upstreams.ts";
