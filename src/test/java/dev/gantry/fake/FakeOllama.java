package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake Ollama server speaking the native API as a real one does (PROTOCOLS.md §3, and §3.6
 * where a real server was observed): {@code GET /api/tags}, {@code POST /api/chat} (NDJSON,
 * {@code stream} defaults to true), {@code POST /api/embed}, plus {@code GET /},
 * {@code /api/version} and {@code /api/ps}.
 *
 * <p>By default a chat replies {@code "Hello", " from", " <model>", "!"}; with {@code tools}
 * it replies with one whole tool call to the first tool with arguments {@code {"city":"Oslo"}}.
 * Per-model {@link Behaviour} changes that. Every chat and embed request is recorded.
 */
public final class FakeOllama implements AutoCloseable {

    public static final int PROMPT_EVAL_COUNT = 12;
    /** eval_count reported for a reply that is a tool call (plus one per token before it). */
    public static final int TOOL_CALL_EVAL_COUNT = 9;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Vertx vertx;
    private final HttpServer server;
    private volatile List<String> models = List.of();
    private volatile List<String> loaded = List.of();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Recorded> chats = new CopyOnWriteArrayList<>();
    private final List<Recorded> embeds = new CopyOnWriteArrayList<>();
    private final List<Long> chatCloseTimes = new CopyOnWriteArrayList<>();

    private FakeOllama(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts on 127.0.0.1, an ephemeral port, serving the given models. */
    public static FakeOllama start(String... models) throws Exception {
        return startOnPort(0, models);
    }

    /** Starts on 127.0.0.1 on a given port (e.g. one a gateway was already told about). */
    public static FakeOllama startOnPort(int port, String... models) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeOllama fake = new FakeOllama(vertx, server);
        fake.setModels(models);
        try {
            server.requestHandler(fake::handle).listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    public int port() {
        return server.actualPort();
    }

    /** e.g. {@code http://127.0.0.1:PORT} — what OLLAMA_HOST would be. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Replaces the model list; a name without a tag means {@code :latest}. */
    public void setModels(String... names) {
        List<String> list = new ArrayList<>();
        for (String n : names) {
            list.add(withTag(n));
        }
        models = List.copyOf(list);
    }

    /** Models this node reports as loaded in memory on {@code /api/ps}. */
    public void setLoaded(String... names) {
        this.loaded = List.of(names);
    }

    public List<String> models() {
        return models;
    }

    /** The behaviour for a model (created on first use); tag-insensitive like Ollama. */
    public Behaviour behaviour(String model) {
        return behaviours.computeIfAbsent(withTag(model), k -> new Behaviour());
    }

    /** Forgets behaviours and recordings; the model list stays. */
    public void reset() {
        behaviours.clear();
        chats.clear();
        embeds.clear();
        chatCloseTimes.clear();
    }

    /** Every {@code /api/chat} request received, in order. */
    public List<Recorded> chatRequests() {
        return List.copyOf(chats);
    }

    public Recorded lastChat() {
        return chats.isEmpty() ? null : chats.get(chats.size() - 1);
    }

    /** Every {@code /api/embed} request received, in order. */
    public List<Recorded> embedRequests() {
        return List.copyOf(embeds);
    }

    /** {@code System.nanoTime()} of each chat connection that closed before its reply ended. */
    public List<Long> chatCloseTimes() {
        return List.copyOf(chatCloseTimes);
    }

    /** The deterministic, L2-normalised 8-dimensional vector the fake returns for {@code text}. */
    public static double[] embeddingFor(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            double[] v = new double[8];
            double norm = 0;
            for (int i = 0; i < 8; i++) {
                v[i] = ((hash[i] & 0xff) - 127.5) / 127.5;
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < 8; i++) {
                v[i] = norm == 0 ? 0 : v[i] / norm;
            }
            return v;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpServerRequest req) {
        String path = req.path();
        HttpMethod method = req.method();
        if (path.equals("/") && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
            req.response().putHeader("content-type", "text/plain; charset=utf-8").end("Ollama is running");
        } else if (path.equals("/api/version") && method == HttpMethod.GET) {
            json(req.response(), 200, "{\"version\":\"0.12.6\"}");
        } else if (path.equals("/api/tags") && method == HttpMethod.GET) {
            json(req.response(), 200, tags().toString());
        } else if (path.equals("/api/ps") && method == HttpMethod.GET) {
            json(req.response(), 200, ps().toString());
        } else if (path.equals("/api/chat") || path.equals("/api/embed")) {
            if (method != HttpMethod.POST) {
                req.response().setStatusCode(405).putHeader("allow", "POST")
                        .putHeader("content-type", "text/plain").end("405 method not allowed");
                return;
            }
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
            req.body().onSuccess(buf -> {
                JsonNode body;
                try {
                    body = buf.length() == 0 ? MissingNode.getInstance() : JSON.readTree(buf.getBytes());
                } catch (Exception e) {
                    body = MissingNode.getInstance();
                }
                Recorded rec = new Recorded(path, body, headers);
                if (path.equals("/api/chat")) {
                    chats.add(rec);
                    req.response().closeHandler(v -> {
                        long now = System.nanoTime();
                        if (!rec.completed()) {
                            chatCloseTimes.add(now);
                            rec.markClosed(now);
                        }
                    });
                    chat(req, buf, rec);
                } else {
                    embeds.add(rec);
                    req.response().closeHandler(v -> {
                        if (!rec.completed()) {
                            rec.markClosed(System.nanoTime());
                        }
                    });
                    embed(req, buf, rec);
                }
            });
        } else {
            req.response().setStatusCode(404).putHeader("content-type", "text/plain").end("404 page not found");
        }
    }

    private ArrayNode tagsModels() {
        ArrayNode arr = JSON.createArrayNode();
        for (String name : models) {
            ObjectNode m = arr.addObject();
            m.put("name", name);
            m.put("model", name);
            m.put("modified_at", "2025-06-01T10:00:00.123456789Z");
            m.put("size", 1_234_567_890L);
            m.put("digest", HexFormat.of().formatHex(sha256(name)));
            ObjectNode d = m.putObject("details");
            d.put("parent_model", "");
            d.put("format", "gguf");
            d.put("family", "llama");
            d.putArray("families").add("llama");
            d.put("parameter_size", "1.2B");
            d.put("quantization_level", "Q4_K_M");
            boolean embedding = name.contains("embed");
            m.putArray("capabilities").add(embedding ? "embedding" : "completion");
            if (!embedding) {
                ((ArrayNode) m.get("capabilities")).add("tools");
            }
        }
        return arr;
    }

    /** What {@code /api/ps} lists: the models set by {@link #setLoaded}, with the fields a real Ollama sends. */
    private ObjectNode ps() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("models");
        for (String name : loaded) {
            ObjectNode m = arr.addObject();
            m.put("name", name);
            m.put("model", name);
            m.put("size", 1_234_567_890L);
            m.put("digest", HexFormat.of().formatHex(sha256(name)));
            m.put("expires_at", Instant.now().plusSeconds(300).toString());
            m.put("size_vram", 1_234_567_890L);
            m.put("context_length", 4096);
        }
        return root;
    }

    private ObjectNode tags() {
        ObjectNode root = JSON.createObjectNode();
        root.set("models", tagsModels());
        return root;
    }

    private boolean known(String model) {
        return model != null && models.contains(withTag(model));
    }

    private Behaviour behaviourOrDefault(String model) {
        Behaviour b = model == null ? null : behaviours.get(withTag(model));
        return b == null ? new Behaviour() : b;
    }

    // ---------------------------------------------------------------- /api/chat

    private void chat(HttpServerRequest req, Buffer raw, Recorded rec) {
        HttpServerResponse res = req.response();
        if (raw.length() == 0) {
            error(res, rec, 400, "missing request body");
            return;
        }
        if (!rec.body().isObject()) {
            error(res, rec, 400, "unexpected EOF");
            return;
        }
        JsonNode body = rec.body();
        String model = body.path("model").isTextual() ? body.get("model").asText() : null;
        if (model == null || model.isEmpty()) {
            error(res, rec, 400, "model is required");
            return;
        }
        Behaviour b = behaviourOrDefault(model);
        if (b.hangBeforeHeaders) {
            return; // never answer; the connection stays open until the client gives up
        }
        if (b.failsNow()) {
            if (b.retryAfter != null) {
                res.putHeader("retry-after", b.retryAfter);
            }
            raw(res, rec, b.errorStatus, b.errorBody);
            return;
        }
        if (!known(model)) {
            error(res, rec, 404, "model '" + model + "' not found");
            return;
        }
        boolean stream = !body.has("stream") || body.get("stream").asBoolean(true);
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            ObjectNode load = chunk(model, "", true);
            load.put("done_reason", body.path("keep_alive").asText("").equals("0") ? "unload" : "load");
            json(res, 200, load.toString());
            rec.markCompleted();
            return;
        }

        // Decide what the "model" says.
        List<String> tokens;
        List<Behaviour.ToolCallSpec> calls = b.toolCalls;
        if (calls != null) {
            tokens = b.tokens == null ? List.of() : b.tokens;
        } else if (b.tokens != null) {
            tokens = b.tokens;
        } else if (body.path("tools").isArray() && !body.path("tools").isEmpty()) {
            tokens = List.of();
            String name = body.path("tools").get(0).path("function").path("name").asText();
            calls = List.of(new Behaviour.ToolCallSpec("call_" + randomAlnum(8), name, "{\"city\":\"Oslo\"}"));
        } else {
            tokens = List.of("Hello", " from", " " + model, "!");
        }
        String doneReason = "stop";
        JsonNode numPredict = body.path("options").path("num_predict");
        if (numPredict.isNumber() && numPredict.asInt() >= 0 && numPredict.asInt() < tokens.size()) {
            tokens = tokens.subList(0, numPredict.asInt());
            calls = null;
            doneReason = "length";
        }
        int evalCount = tokens.size() + (calls == null ? 0 : TOOL_CALL_EVAL_COUNT);
        int promptCount = b.promptTokens != null ? b.promptTokens : PROMPT_EVAL_COUNT;

        List<String> frames = new ArrayList<>();
        for (String t : tokens) {
            frames.add(chunk(model, t, false).toString() + "\n");
        }
        if (calls != null) {
            ObjectNode c = chunk(model, "", false);
            ArrayNode tc = ((ObjectNode) c.get("message")).putArray("tool_calls");
            int i = 0;
            for (Behaviour.ToolCallSpec spec : calls) {
                ObjectNode call = tc.addObject();
                if (spec.id() != null) {
                    call.put("id", spec.id());
                }
                ObjectNode fn = call.putObject("function");
                fn.put("index", i++);
                fn.put("name", spec.name());
                fn.set("arguments", parse(spec.argumentsJson()));
            }
            frames.add(c.toString() + "\n");
        }
        ObjectNode done = chunk(model, "", true);
        finalFields(done, doneReason, promptCount, evalCount);

        if (stream) {
            res.setChunked(true).putHeader("content-type", "application/x-ndjson").setStatusCode(200);
            String errorFrame = "{\"error\":" + JSON.valueToTree(b.inBandErrorMessage == null ? "error" : b.inBandErrorMessage) + "}\n";
            new FrameWriter(vertx, req, rec, frames, List.of(done.toString() + "\n"), b, errorFrame).start();
        } else {
            // Non-streamed: one object with the whole message, after "generation time".
            ObjectNode whole = chunk(model, String.join("", tokens), true);
            if (calls != null) {
                ObjectNode last = (ObjectNode) parse(frames.get(frames.size() - 1));
                ((ObjectNode) whole.get("message")).set("tool_calls", last.path("message").path("tool_calls"));
            }
            finalFields(whole, doneReason, promptCount, evalCount);
            long delay = b.chunkDelayMillis * Math.max(1, frames.size());
            Runnable reply = () -> {
                if (rec.closedEarly().isDone()) {
                    return;
                }
                if (b.resetAfterChunks >= 0) {
                    req.connection().close();
                } else if (b.inBandErrorAfterChunks >= 0) {
                    error(res, rec, 500, b.inBandErrorMessage);
                } else {
                    json(res, 200, whole.toString());
                    rec.markCompleted();
                }
            };
            if (delay > 0) {
                vertx.setTimer(delay, id -> reply.run());
            } else {
                reply.run();
            }
        }
    }

    private static ObjectNode chunk(String model, String content, boolean done) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model", model);
        c.put("created_at", Instant.now().toString());
        ObjectNode m = c.putObject("message");
        m.put("role", "assistant");
        m.put("content", content);
        c.put("done", done);
        return c;
    }

    private static void finalFields(ObjectNode o, String doneReason, int promptCount, int evalCount) {
        o.put("done_reason", doneReason);
        o.put("total_duration", 174_560_334L);
        o.put("load_duration", 101_397_084L);
        o.put("prompt_eval_count", promptCount);
        o.put("prompt_eval_duration", 13_074_791L);
        o.put("eval_count", evalCount);
        o.put("eval_duration", 52_479_709L);
    }

    // ---------------------------------------------------------------- /api/embed

    private void embed(HttpServerRequest req, Buffer raw, Recorded rec) {
        HttpServerResponse res = req.response();
        if (raw.length() == 0) {
            error(res, rec, 400, "missing request body");
            return;
        }
        if (!rec.body().isObject()) {
            error(res, rec, 400, "unexpected EOF");
            return;
        }
        JsonNode body = rec.body();
        String model = body.path("model").asText("");
        Behaviour b = behaviourOrDefault(model);
        if (b.hangBeforeHeaders) {
            return;
        }
        if (b.failsNow()) {
            if (b.retryAfter != null) {
                res.putHeader("retry-after", b.retryAfter);
            }
            raw(res, rec, b.errorStatus, b.errorBody);
            return;
        }
        if (!known(model)) {
            error(res, rec, 404, "model \"" + model + "\" not found, try pulling it first");
            return;
        }
        List<String> inputs = new ArrayList<>();
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode n : input) {
                inputs.add(n.asText());
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("model", model);
        ArrayNode embeddings = out.putArray("embeddings");
        int count = 0;
        for (String s : inputs) {
            ArrayNode v = embeddings.addArray();
            for (double d : embeddingFor(s)) {
                v.add(d);
            }
            count += Math.max(1, s.trim().isEmpty() ? 0 : s.trim().split("\\s+").length);
        }
        out.put("total_duration", 14_143_917L);
        out.put("load_duration", 1_019_500L);
        out.put("prompt_eval_count", count);
        Runnable reply = () -> {
            if (!rec.closedEarly().isDone()) {
                json(res, 200, out.toString());
                rec.markCompleted();
            }
        };
        if (b.chunkDelayMillis > 0) {
            vertx.setTimer(b.chunkDelayMillis, id -> reply.run());
        } else {
            reply.run();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void json(HttpServerResponse res, int status, String body) {
        res.setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8").end(body);
    }

    private static void error(HttpServerResponse res, Recorded rec, int status, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error", message);
        json(res, status, e.toString());
        rec.markCompleted();
    }

    private static void raw(HttpServerResponse res, Recorded rec, int status, String body) {
        json(res, status, body == null ? "" : body);
        rec.markCompleted();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    static String withTag(String name) {
        if (name == null) {
            return null;
        }
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) >= 0 ? name : name + ":latest";
    }

    static String randomAlnum(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
