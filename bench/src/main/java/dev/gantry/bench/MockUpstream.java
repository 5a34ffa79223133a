package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A deliberately trivial model server for gateway benchmarks: OpenAI chat completions (JSON and
 * SSE) and Ollama native chat (JSON and NDJSON), with every response byte pre-encoded at start-up.
 * Request bodies are only byte-scanned for {@code "stream"} and {@code "include_usage"}.
 */
public final class MockUpstream {

  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final ObjectMapper M = new ObjectMapper();

  static final CharSequence CT = HttpHeaders.CONTENT_TYPE;
  static final CharSequence CACHE_CONTROL = HttpHeaders.CACHE_CONTROL;
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json; charset=utf-8");
  static final CharSequence SSE = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  static final CharSequence NDJSON = HttpHeaders.createOptimized("application/x-ndjson");
  static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain; charset=utf-8");
  static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

  static final String[] WORDS = {
    "Hello", " from", " the", " Gantry", " bench", " mock", ",", " one", " token", " at", " a", " time", "."
  };

  /** All fixed response bytes, built once. Buffers are only ever read, so sharing them is safe. */
  static final class Responses {
    final int chunks;
    final long delayMs;
    final Buffer openaiJson;
    final Buffer[] openaiChunks; // data: {...}\n\n, first carries the role
    final Buffer openaiFinish;
    final Buffer openaiUsage;
    final Buffer openaiDone;
    final Buffer ollamaJson;
    final Buffer[] ollamaChunks; // {...}\n
    final Buffer ollamaDone;
    final Buffer tags;
    final Buffer models;
    final Buffer version;
    final Buffer running;
    final Buffer notFound;

    Responses(String model, int chunks, long delayMs) throws Exception {
      this.chunks = chunks;
      this.delayMs = delayMs;
      String[] pieces = new String[chunks];
      StringBuilder full = new StringBuilder();
      for (int i = 0; i < chunks; i++) {
        pieces[i] = WORDS[i % WORDS.length];
        full.append(pieces[i]);
      }
      long created = 1730000000L;
      String id = "chatcmpl-gantrybench";

      // --- OpenAI non-stream (PROTOCOLS 1.3)
      ObjectNode o = F.objectNode();
      o.put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
      o.putNull("system_fingerprint");
      ObjectNode choice = o.putArray("choices").addObject();
      choice.put("index", 0).putNull("logprobs");
      choice.put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", full.toString());
      o.set("usage", usage(chunks));
      openaiJson = buf(M.writeValueAsString(o));

      // --- OpenAI stream (PROTOCOLS 1.4)
      openaiChunks = new Buffer[chunks];
      for (int i = 0; i < chunks; i++) {
        ObjectNode delta = F.objectNode();
        if (i == 0) {
          delta.put("role", "assistant");
        }
        delta.put("content", pieces[i]);
        openaiChunks[i] = sse(chunk(id, created, model, delta, null));
      }
      openaiFinish = sse(chunk(id, created, model, F.objectNode(), "stop"));
      ObjectNode u = F.objectNode();
      u.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
      u.putNull("system_fingerprint");
      u.putArray("choices");
      u.set("usage", usage(chunks));
      openaiUsage = sse(M.writeValueAsString(u));
      openaiDone = buf("data: [DONE]\n\n");

      // --- Ollama native (PROTOCOLS 3.2/3.3/3.6)
      String createdAt = "2025-01-01T10:00:00.123456789Z";
      ollamaChunks = new Buffer[chunks];
      for (int i = 0; i < chunks; i++) {
        ObjectNode c = F.objectNode();
        c.put("model", model).put("created_at", createdAt);
        c.putObject("message").put("role", "assistant").put("content", pieces[i]);
        c.put("done", false);
        ollamaChunks[i] = buf(M.writeValueAsString(c) + "\n");
      }
      ollamaDone = buf(M.writeValueAsString(ollamaFinal(model, createdAt, "", chunks, delayMs)) + "\n");
      ollamaJson = buf(M.writeValueAsString(ollamaFinal(model, createdAt, full.toString(), chunks, delayMs)));

      // --- listings
      String tagged = model.contains(":") ? model : model + ":latest";
      ObjectNode t = F.objectNode();
      ObjectNode entry = t.putArray("models").addObject();
      entry.put("name", tagged).put("model", tagged).put("modified_at", "2025-01-01T10:00:00.123456789Z");
      entry.put("size", 1_000_000L).put("digest", "0".repeat(64));
      ObjectNode details = entry.putObject("details");
      details.put("parent_model", "").put("format", "gguf").put("family", "bench");
      details.putArray("families").add("bench");
      details.put("parameter_size", "1M").put("quantization_level", "Q8_0");
      entry.putArray("capabilities").add("completion");
      tags = buf(M.writeValueAsString(t));

      ObjectNode ms = F.objectNode();
      ms.put("object", "list");
      ms.putArray("data").addObject()
          .put("id", model).put("object", "model").put("created", created).put("owned_by", "gantry-bench");
      models = buf(M.writeValueAsString(ms));
      version = buf("{\"version\":\"0.12.0\"}");
      running = buf("Ollama is running");
      notFound = buf("404 page not found");
    }

    private static ObjectNode usage(int chunks) {
      ObjectNode u = F.objectNode();
      u.put("prompt_tokens", 10).put("completion_tokens", chunks).put("total_tokens", 10 + chunks);
      u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
      u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
          .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
      return u;
    }

    private static String chunk(String id, long created, String model, ObjectNode delta, String finish)
        throws Exception {
      ObjectNode c = F.objectNode();
      c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
      c.putNull("system_fingerprint");
      ArrayNode choices = c.putArray("choices");
      ObjectNode ch = choices.addObject();
      ch.put("index", 0).set("delta", delta);
      ch.putNull("logprobs");
      if (finish == null) {
        ch.putNull("finish_reason");
      } else {
        ch.put("finish_reason", finish);
      }
      c.putNull("usage");
      return M.writeValueAsString(c);
    }

    private static ObjectNode ollamaFinal(String model, String createdAt, String content, int chunks, long delayMs) {
      long evalNs = Math.max(1, delayMs) * 1_000_000L * chunks;
      ObjectNode d = F.objectNode();
      d.put("model", model).put("created_at", createdAt);
      d.putObject("message").put("role", "assistant").put("content", content);
      d.put("done", true).put("done_reason", "stop");
      d.put("total_duration", evalNs + 2_000_000L).put("load_duration", 1_000_000L);
      d.put("prompt_eval_count", 10).put("prompt_eval_duration", 1_000_000L);
      d.put("eval_count", chunks).put("eval_duration", evalNs);
      return d;
    }

    private static Buffer sse(String json) {
      return buf("data: " + json + "\n\n");
    }

    private static Buffer buf(String s) {
      return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One server instance; several instances share the port and are spread over the event loops. */
  static final class ServerVerticle extends VerticleBase {
    private final Responses r;
    private final int port;
    private final Set<Integer> bound;

    ServerVerticle(Responses r, int port, Set<Integer> bound) {
      this.r = r;
      this.port = port;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      HttpServerOptions opts = new HttpServerOptions()
          .setPort(port)
          .setHost("0.0.0.0")
          .setAcceptBacklog(8192)
          .setTcpNoDelay(true)
          .setIdleTimeout(0);
      return vertx.createHttpServer(opts).requestHandler(this::handle).listen().onSuccess(s -> bound.add(s.actualPort()));
    }

    private void handle(HttpServerRequest req) {
      String path = req.path();
      HttpMethod method = req.method();
      if (method == HttpMethod.POST) {
        switch (path) {
          case "/v1/chat/completions", "/chat/completions" ->
              req.body().onSuccess(body -> openai(req, body)).onFailure(t -> req.connection().close());
          case "/api/chat" ->
              req.body().onSuccess(body -> ollama(req, body)).onFailure(t -> req.connection().close());
          default -> req.body().onComplete(ar -> notFound(req.response())); // read it: keeps the connection reusable
        }
      } else if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
        HttpServerResponse resp = req.response();
        switch (path) {
          case "/api/tags" -> resp.putHeader(CT, JSON_UTF8).end(r.tags);
          case "/v1/models", "/models" -> resp.putHeader(CT, JSON).end(r.models);
          case "/api/version" -> resp.putHeader(CT, JSON_UTF8).end(r.version);
          case "/" -> resp.putHeader(CT, TEXT).end(r.running);
          default -> notFound(resp);
        }
      } else {
        notFound(req.response());
      }
    }

    private void notFound(HttpServerResponse resp) {
      resp.setStatusCode(404).putHeader(CT, TEXT).end(r.notFound);
    }

    private void openai(HttpServerRequest req, Buffer body) {
      HttpServerResponse resp = req.response();
      byte[] b = body.getBytes();
      if (boolField(b, STREAM) != 1) {
        resp.putHeader(CT, JSON).end(r.openaiJson);
        return;
      }
      boolean usage = boolField(b, INCLUDE_USAGE) == 1;
      resp.setChunked(true).putHeader(CT, SSE).putHeader(CACHE_CONTROL, NO_CACHE);
      Buffer[] events = new Buffer[r.chunks + (usage ? 3 : 2)];
      System.arraycopy(r.openaiChunks, 0, events, 0, r.chunks);
      int i = r.chunks;
      events[i++] = r.openaiFinish;
      if (usage) {
        events[i++] = r.openaiUsage;
      }
      events[i] = r.openaiDone;
      stream(resp, events);
    }

    private void ollama(HttpServerRequest req, Buffer body) {
      HttpServerResponse resp = req.response();
      if (boolField(body.getBytes(), STREAM) == 0) { // Ollama streams unless "stream":false
        resp.putHeader(CT, JSON_UTF8).end(r.ollamaJson);
        return;
      }
      resp.setChunked(true).putHeader(CT, NDJSON);
      Buffer[] events = new Buffer[r.chunks + 1];
      System.arraycopy(r.ollamaChunks, 0, events, 0, r.chunks);
      events[r.chunks] = r.ollamaDone;
      stream(resp, events);
    }

    /**
     * Writes the content events {@code delayMs} apart on a periodic timer (never blocking the event
     * loop); the trailing events (finish/usage/[DONE] or the done object) follow the last content
     * event immediately.
     */
    private void stream(HttpServerResponse resp, Buffer[] events) {
      if (r.delayMs <= 0) {
        for (int i = 0; i < events.length - 1; i++) {
          resp.write(events[i]);
        }
        resp.end(events[events.length - 1]);
        return;
      }
      int content = r.chunks;
      int[] next = {0};
      long timer = vertx.setPeriodic(r.delayMs, id -> {
        if (resp.closed() || resp.ended()) {
          vertx.cancelTimer(id);
          return;
        }
        int i = next[0]++;
        if (i < content - 1) {
          resp.write(events[i]);
        } else {
          vertx.cancelTimer(id);
          for (int j = i; j < events.length - 1; j++) {
            resp.write(events[j]);
          }
          resp.end(events[events.length - 1]);
        }
      });
      resp.closeHandler(v -> vertx.cancelTimer(timer));
    }
  }

  static final byte[] STREAM = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
  static final byte[] INCLUDE_USAGE = "\"include_usage\"".getBytes(StandardCharsets.US_ASCII);

  /** Byte-level lookup of a boolean member: 1 = true, 0 = false, -1 = absent or not a boolean. */
  static int boolField(byte[] b, byte[] key) {
    outer:
    for (int i = 0; i <= b.length - key.length; i++) {
      for (int k = 0; k < key.length; k++) {
        if (b[i + k] != key[k]) {
          continue outer;
        }
      }
      int j = i + key.length;
      while (j < b.length && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n')) {
        j++;
      }
      if (j >= b.length || b[j] != ':') {
        continue; // the key text appeared as a value, keep looking
      }
      j++;
      while (j < b.length && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n')) {
        j++;
      }
      if (j + 4 <= b.length && b[j] == 't' && b[j + 1] == 'r' && b[j + 2] == 'u' && b[j + 3] == 'e') {
        return 1;
      }
      if (j + 5 <= b.length && b[j] == 'f' && b[j + 1] == 'a' && b[j + 2] == 'l' && b[j + 3] == 's' && b[j + 4] == 'e') {
        return 0;
      }
      return -1;
    }
    return -1;
  }

  private static final String USAGE = """
      usage: java -cp gantry-bench.jar dev.gantry.bench.MockUpstream [options]
        --port N             listen port (default 11500; 0 = ephemeral, prints LISTENING <port>)
        --chunks N           content chunks per streamed answer = completion tokens (default 20)
        --chunk-delay-ms D   delay between streamed content chunks, via timers (default 0)
        --model NAME         model name echoed in responses and listings (default bench-model)
        --instances N        server verticles / event loops (default: available processors)
      """;

  public static void main(String[] argv) {
    try {
      start(argv);
    } catch (Throwable t) {
      // Vert.x threads are not daemons: exit explicitly so a failed start does not linger.
      System.err.println("mock upstream: " + t);
      System.exit(1);
    }
  }

  private static void start(String[] argv) throws Exception {
    Args a;
    try {
      a = Args.parse(argv, Set.of("port", "chunks", "chunk-delay-ms", "model", "instances"), Set.of("help"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (a.flag("help")) {
      System.out.print(USAGE);
      return;
    }
    int port = a.integer("port", 11500);
    int chunks = Math.max(1, a.integer("chunks", 20));
    long delay = Math.max(0, a.integer("chunk-delay-ms", 0));
    String model = a.str("model", "bench-model");
    int instances = Math.max(1, a.integer("instances", Runtime.getRuntime().availableProcessors()));

    Responses r = new Responses(model, chunks, delay);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    // All instances share one listening socket. Vert.x treats a negative port as "one random port
    // shared by every server asking for that same negative port" (port 0 would give each its own).
    java.util.Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int listenPort = port == 0 ? -1 : port;
    vertx.deployVerticle(() -> new ServerVerticle(r, listenPort, ports), new DeploymentOptions().setInstances(instances))
        .await();
    if (ports.size() != 1) {
      System.err.println("mock upstream: instances bound different ports: " + ports);
      vertx.close().await();
      System.exit(1);
    }
    int bound = ports.iterator().next();
    System.out.println("LISTENING " + bound);
    System.out.flush();
    System.err.printf("mock upstream: port %d, %d instance(s), model %s, %d chunks, %d ms apart%n",
        bound, instances, model, chunks, delay);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
