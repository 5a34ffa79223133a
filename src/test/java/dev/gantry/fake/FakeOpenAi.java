package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake OpenAI-compatible server (PROTOCOLS.md §1): {@code POST /v1/chat/completions} (JSON,
 * or SSE with the role chunk, content deltas, tool-call deltas, finish chunk, optional usage
 * chunk with {@code "choices":[]} and {@code data: [DONE]}), {@code POST /v1/embeddings},
 * {@code GET /v1/models}. Errors use {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>By default a chat replies {@code "Hello", " from", " <model>", "!"}; with {@code tools} it
 * calls the first tool with {@code {"city":"Oslo"}}. If {@link #requireApiKey} is set, any other
 * bearer token gets 401.
 */
public final class FakeOpenAi implements AutoCloseable {

    public static final int PROMPT_TOKENS = 12;
    public static final int TOOL_CALL_TOKENS = 9;
    public static final long CREATED = 1_730_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpServer server;
    private volatile List<String> models = List.of();
    private volatile String requiredApiKey;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Recorded> chats = new CopyOnWriteArrayList<>();
    private final List<Recorded> embeddings = new CopyOnWriteArrayList<>();
    private final List<Recorded> all = new CopyOnWriteArrayList<>();
    private final List<Long> chatCloseTimes = new CopyOnWriteArrayList<>();
    private int counter;

    private FakeOpenAi(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeOpenAi start(String... models) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeOpenAi fake = new FakeOpenAi(vertx, server);
        fake.setModels(models);
        try {
            server.requestHandler(fake::handle).listen(0, "127.0.0.1")
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

    /** Base URL including {@code /v1}, as a deployment's {@code base_url} would be written. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public void setModels(String... names) {
        models = List.of(names);
    }

    /** Only this bearer token is accepted (null = any or none). */
    public void requireApiKey(String key) {
        requiredApiKey = key;
    }

    public Behaviour behaviour(String model) {
        return behaviours.computeIfAbsent(model, k -> new Behaviour());
    }

    public void reset() {
        behaviours.clear();
        chats.clear();
        embeddings.clear();
        all.clear();
        chatCloseTimes.clear();
    }

    public List<Recorded> chatRequests() {
        return List.copyOf(chats);
    }

    public Recorded lastChat() {
        return chats.isEmpty() ? null : chats.get(chats.size() - 1);
    }

    public List<Recorded> embeddingRequests() {
        return List.copyOf(embeddings);
    }

    /** Every request received on any route (including GET /v1/models). */
    public List<Recorded> allRequests() {
        return List.copyOf(all);
    }

    public List<Long> chatCloseTimes() {
        return List.copyOf(chatCloseTimes);
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
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        req.body().onSuccess(buf -> {
            JsonNode body;
            try {
                body = buf.length() == 0 ? MissingNode.getInstance() : JSON.readTree(buf.getBytes());
            } catch (Exception e) {
                body = MissingNode.getInstance();
            }
            Recorded rec = new Recorded(path, body, headers);
            all.add(rec);
            HttpServerResponse res = req.response();
            if (requiredApiKey != null && !("Bearer " + requiredApiKey).equals(req.getHeader("authorization"))) {
                error(res, rec, 401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
                return;
            }
            if (path.equals("/v1/models") && req.method() == HttpMethod.GET) {
                ObjectNode list = JSON.createObjectNode();
                list.put("object", "list");
                ArrayNode data = list.putArray("data");
                for (String m : models) {
                    data.add(model(m));
                }
                json(res, 200, list.toString());
                rec.markCompleted();
            } else if (path.startsWith("/v1/models/") && req.method() == HttpMethod.GET) {
                String id = path.substring("/v1/models/".length());
                if (models.contains(id)) {
                    json(res, 200, model(id).toString());
                    rec.markCompleted();
                } else {
                    modelNotFound(res, rec, id);
                }
            } else if (path.equals("/v1/chat/completions") && req.method() == HttpMethod.POST) {
                chats.add(rec);
                res.closeHandler(v -> {
                    long now = System.nanoTime();
                    if (!rec.completed()) {
                        chatCloseTimes.add(now);
                        rec.markClosed(now);
                    }
                });
                chat(req, rec);
            } else if (path.equals("/v1/embeddings") && req.method() == HttpMethod.POST) {
                embeddings.add(rec);
                res.closeHandler(v -> {
                    if (!rec.completed()) {
                        rec.markClosed(System.nanoTime());
                    }
                });
                embed(req, rec);
            } else {
                error(res, rec, 404, "Invalid URL (" + req.method() + " " + path + ")", "invalid_request_error", null, null);
            }
        });
    }

    private static ObjectNode model(String id) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", CREATED);
        m.put("owned_by", "fake");
        return m;
    }

    /** Hangs, scripted errors and unknown models, shared by every model route; true when the request is dealt with. */
    private boolean answeredByBehaviourOrUnknownModel(HttpServerResponse res, Recorded rec, Behaviour b, String model) {
        if (b.hangBeforeHeaders) {
            return true;
        }
        if (b.failsNow()) {
            if (b.retryAfter != null) {
                res.putHeader("retry-after", b.retryAfter);
            }
            json(res, b.errorStatus, b.errorBody == null ? "" : b.errorBody);
            rec.markCompleted();
            return true;
        }
        if (!models.contains(model)) {
            modelNotFound(res, rec, model);
            return true;
        }
        return false;
    }

    private Behaviour behaviourOrDefault(String model) {
        Behaviour b = model == null ? null : behaviours.get(model);
        return b == null ? new Behaviour() : b;
    }

    // ---------------------------------------------------------------- chat

    private void chat(HttpServerRequest req, Recorded rec) {
        HttpServerResponse res = req.response();
        JsonNode body = rec.body();
        if (!body.isObject()) {
            error(res, rec, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
            return;
        }
        String model = body.path("model").asText(null);
        if (model == null) {
            error(res, rec, 400, "you must provide a model parameter", "invalid_request_error", "model", null);
            return;
        }
        Behaviour b = behaviourOrDefault(model);
        if (answeredByBehaviourOrUnknownModel(res, rec, b, model)) {
            return;
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            error(res, rec, 400, "Invalid 'messages': empty array.", "invalid_request_error", "messages", "empty_array");
            return;
        }
        List<String> tokens;
        List<Behaviour.ToolCallSpec> calls = b.toolCalls;
        if (calls != null) {
            tokens = b.tokens == null ? List.of() : b.tokens;
        } else if (b.tokens != null) {
            tokens = b.tokens;
        } else if (body.path("tools").isArray() && !body.path("tools").isEmpty()) {
            tokens = List.of();
            String name = body.path("tools").get(0).path("function").path("name").asText();
            calls = List.of(new Behaviour.ToolCallSpec("call_" + FakeOllama.randomAlnum(24), name, "{\"city\":\"Oslo\"}"));
        } else {
            tokens = List.of("Hello", " from", " " + model, "!");
        }
        String finish = calls != null ? "tool_calls" : "stop";
        JsonNode max = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.path("max_tokens");
        if (max.isNumber() && max.asInt() < tokens.size()) {
            tokens = tokens.subList(0, max.asInt());
            calls = null;
            finish = "length";
        }
        int completion = tokens.size() + (calls == null ? 0 : TOOL_CALL_TOKENS);
        int prompt = b.promptTokens != null ? b.promptTokens : PROMPT_TOKENS;
        String id = "chatcmpl-fake" + nextId();
        boolean stream = body.path("stream").asBoolean(false);

        if (!stream) {
            ObjectNode out = JSON.createObjectNode();
            out.put("id", id);
            out.put("object", "chat.completion");
            out.put("created", CREATED);
            out.put("model", model);
            out.putNull("system_fingerprint");
            ObjectNode choice = out.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putNull("logprobs");
            choice.put("finish_reason", finish);
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            if (calls != null && tokens.isEmpty()) {
                msg.putNull("content");
            } else {
                msg.put("content", String.join("", tokens));
            }
            msg.putNull("refusal");
            if (calls != null) {
                ArrayNode tc = msg.putArray("tool_calls");
                for (Behaviour.ToolCallSpec spec : calls) {
                    ObjectNode c = tc.addObject();
                    c.put("id", spec.id() == null ? "call_" + FakeOllama.randomAlnum(24) : spec.id());
                    c.put("type", "function");
                    c.putObject("function").put("name", spec.name()).put("arguments", spec.argumentsJson());
                }
            }
            if (!b.omitUsage) {
                out.set("usage", usage(prompt, completion));
            }
            long delay = b.chunkDelayMillis * Math.max(1, tokens.size());
            Runnable reply = () -> {
                if (rec.closedEarly().isDone()) {
                    return;
                }
                if (b.resetAfterChunks >= 0) {
                    req.connection().close();
                } else {
                    json(res, 200, out.toString());
                    rec.markCompleted();
                }
            };
            if (delay > 0) {
                vertx.setTimer(delay, t -> reply.run());
            } else {
                reply.run();
            }
            return;
        }

        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        List<String> frames = new ArrayList<>();
        ObjectNode first = JSON.createObjectNode().put("role", "assistant");
        if (calls != null && tokens.isEmpty()) {
            first.putNull("content");
        } else {
            first.put("content", "");
        }
        frames.add(sse(streamChunk(id, model, first, null, includeUsage)));
        for (String t : tokens) {
            frames.add(sse(streamChunk(id, model, JSON.createObjectNode().put("content", t), null, includeUsage)));
        }
        if (calls != null) {
            int index = 0;
            for (Behaviour.ToolCallSpec spec : calls) {
                ObjectNode start = JSON.createObjectNode();
                ObjectNode call = start.putArray("tool_calls").addObject();
                call.put("index", index);
                call.put("id", spec.id() == null ? "call_" + FakeOllama.randomAlnum(24) : spec.id());
                call.put("type", "function");
                call.putObject("function").put("name", spec.name()).put("arguments", "");
                frames.add(sse(streamChunk(id, model, start, null, includeUsage)));
                ObjectNode args = JSON.createObjectNode();
                ObjectNode frag = args.putArray("tool_calls").addObject();
                frag.put("index", index);
                frag.putObject("function").put("arguments", spec.argumentsJson());
                frames.add(sse(streamChunk(id, model, args, null, includeUsage)));
                index++;
            }
        }
        List<String> tail = new ArrayList<>();
        tail.add(sse(streamChunk(id, model, JSON.createObjectNode(), finish, includeUsage)));
        if (includeUsage) {
            ObjectNode u = JSON.createObjectNode();
            u.put("id", id);
            u.put("object", "chat.completion.chunk");
            u.put("created", CREATED);
            u.put("model", model);
            u.putNull("system_fingerprint");
            u.putArray("choices");
            u.set("usage", usage(prompt, completion));
            tail.add(sse(u));
        }
        tail.add("data: [DONE]\n\n");
        res.setChunked(true).setStatusCode(200)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache");
        ObjectNode err = JSON.createObjectNode();
        ObjectNode e = err.putObject("error");
        e.put("message", b.inBandErrorMessage == null ? "error" : b.inBandErrorMessage);
        e.put("type", "server_error");
        e.putNull("param");
        e.putNull("code");
        new FrameWriter(vertx, req, rec, frames, tail, b, sse(err)).start();
    }

    private static ObjectNode streamChunk(String id, String model, ObjectNode delta, String finish, boolean includeUsage) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", CREATED);
        c.put("model", model);
        c.putNull("system_fingerprint");
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.set("finish_reason", finish == null ? NullNode.getInstance() : JSON.getNodeFactory().textNode(finish));
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return u;
    }

    private static String sse(JsonNode node) {
        return "data: " + node.toString() + "\n\n";
    }

    private synchronized int nextId() {
        return ++counter;
    }

    // ---------------------------------------------------------------- embeddings

    private void embed(HttpServerRequest req, Recorded rec) {
        HttpServerResponse res = req.response();
        JsonNode body = rec.body();
        if (!body.isObject()) {
            error(res, rec, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
            return;
        }
        String model = body.path("model").asText("");
        Behaviour b = behaviourOrDefault(model);
        if (answeredByBehaviourOrUnknownModel(res, rec, b, model)) {
            return;
        }
        List<String> inputs = new ArrayList<>();
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode n : input) {
                inputs.add(n.isTextual() ? n.asText() : n.toString());
            }
        }
        boolean base64 = "base64".equals(body.path("encoding_format").asText());
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            double[] v = FakeOllama.embeddingFor(inputs.get(i));
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (double d : v) {
                    bb.putFloat((float) d);
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (double d : v) {
                    arr.add(d);
                }
            }
            tokens += Math.max(1, inputs.get(i).trim().split("\\s+").length);
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        Runnable reply = () -> {
            if (!rec.closedEarly().isDone()) {
                json(res, 200, out.toString());
                rec.markCompleted();
            }
        };
        if (b.chunkDelayMillis > 0) {
            vertx.setTimer(b.chunkDelayMillis, t -> reply.run());
        } else {
            reply.run();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void modelNotFound(HttpServerResponse res, Recorded rec, String model) {
        error(res, rec, 404, "The model `" + model + "` does not exist or you do not have access to it.",
                "invalid_request_error", null, "model_not_found");
    }

    private static void json(HttpServerResponse res, int status, String body) {
        res.setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    private static void error(HttpServerResponse res, Recorded rec, int status, String message, String type,
                              String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        json(res, status, root.toString());
        rec.markCompleted();
    }
}
