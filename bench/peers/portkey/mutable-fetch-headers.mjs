// Preloaded by start.sh (node --import) to work around a streaming failure in
// @portkey-ai/gateway 1.15.2 on Node 20 + @hono/node-server 1.19.x:
//   The gateway builds the streamed reply as `new Response(stream, upstreamFetchResponse)`.
//   @hono/node-server replaces global Response with a lightweight class that reuses
//   init.headers as-is, i.e. the *immutable* Headers object of the native fetch() response.
//   The gateway then appends x-portkey-* headers -> "TypeError: immutable" -> HTTP 500
//   {"status":"failure","message":"Something went wrong"} for every `"stream": true` request.
// Fix: return upstream fetch() responses with a mutable copy of their headers.
// Cost: one extra Response wrapper object per upstream call; body is passed through untouched.
const nativeFetch = globalThis.fetch;
const NativeResponse = globalThis.Response; // captured before @hono/node-server overrides it
globalThis.fetch = async function fetchWithMutableHeaders(...args) {
  const res = await nativeFetch(...args);
  return new NativeResponse(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: new Headers(res.headers),
  });
};
