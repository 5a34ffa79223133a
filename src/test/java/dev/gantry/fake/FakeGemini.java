package dev.gantry.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake Gemini API server (PROTOCOLS.md 4.4) under {@code /v1beta}:
 * {@code POST /models/{m}:generateContent} (one GenerateContentResponse),
 * {@code :streamGenerateContent?alt=sse} (one {@code data:} event per response object, events
 * separated by {@code \r\n\r\n} as Google sends them, no [DONE]; without {@code alt=sse} one JSON
 * array written piece by piece), {@code :embedContent}, {@code :batchEmbedContents},
 * {@code GET /models}. Requests are checked as the real API does (unknown fields, roles, schema
 * keywords) and refused with Google's {@code {"error":{"code","message","status"}}}.
 *
 * <p>By default a chat replies {@code "Hello", " from", " <model>", "!"}; with declared tools
 * (and mode not NONE) it calls the first allowed function with {@code {"city":"Oslo"}}, without
 * an id, as Gemini usually does. {@code usageMetadata} is on every chunk, cumulative. With
 * {@link #requireApiKey} set, a request without {@code x-goog-api-key} (or {@code ?key=}) gets
 * 403 and a wrong key 400 "API key not valid".
 */
public final class FakeGemini implements AutoCloseable {

    public static final int PROMPT_TOKENS = 12;
    public static final int TOOL_CALL_TOKENS = 9;
    private static final String PREFIX = "/v1beta/";
    private static final String SSE_END = "\r\n\r\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpServer server;
    private volatile List<String> models = List.of();
    private volatile String requiredApiKey;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Recorded> chats = new CopyOnWriteArrayList<>();
    private final List<Recorded> embeddings = new CopyOnWriteArrayList<>();
    private final List<Recorded> all = new CopyOnWriteArrayList<>();
    private final List<String> uris = new CopyOnWriteArrayList<>();
    private int counter;

    private FakeGemini(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeGemini start(String... models) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeGemini fake = new FakeGemini(vertx, server);
        fake.models = List.of(models);
        try {
            server.requestHandler(fake::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    /** Base URL including {@code /v1beta}, as a deployment's {@code base_url} would be written. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1beta";
    }

    /** Only this key is accepted, in {@code x-goog-api-key} or {@code ?key=} (null = any or none). */
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
        uris.clear();
    }

    /** generateContent and streamGenerateContent requests, in order. */
    public List<Recorded> chatRequests() {
        return List.copyOf(chats);
    }

    public Recorded lastChat() {
        return chats.isEmpty() ? null : chats.get(chats.size() - 1);
    }

    public List<Recorded> embeddingRequests() {
        return List.copyOf(embeddings);
    }

    /** Every request on any route, including health probes. */
    public List<Recorded> allRequests() {
        return List.copyOf(all);
    }

    /** The full request URI (path and query) of every request, in order. */
    public List<String> allUris() {
        return List.copyOf(uris);
    }

    /** Google's error body for {@code code}, for {@link Behaviour#failWith}. */
    public static String errorBody(int code, String message) {
        return GeminiWire.errorBody(code, message);
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
        uris.add(req.uri());
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
            if (buf.length() > 0 && body.isMissingNode()) {
                error(res, rec, 400, "Invalid JSON payload received. Unexpected token.");
                return;
            }
            if (requiredApiKey != null) {
                String key = headers.get("x-goog-api-key") != null ? headers.get("x-goog-api-key") : req.getParam("key");
                if (key == null) {
                    error(res, rec, 403, "Method doesn't allow unregistered callers (callers without established identity). "
                            + "Please use API Key or other form of API consumer identity to call this API.");
                    return;
                }
                if (!key.equals(requiredApiKey)) {
                    json(res, 400, GeminiWire.mismatchKeyBody());
                    rec.markCompleted();
                    return;
                }
            }
            if (!path.startsWith(PREFIX)) {
                error(res, rec, 404, "Method not found.");
                return;
            }
            String rest = path.substring(PREFIX.length());
            if (req.method() == HttpMethod.GET && rest.equals("models")) {
                ObjectNode list = JSON.createObjectNode();
                ArrayNode arr = list.putArray("models");
                models.forEach(m -> arr.add(model(m)));
                json(res, 200, list.toString());
                rec.markCompleted();
                return;
            }
            int colon = rest.lastIndexOf(':');
            if (req.method() == HttpMethod.GET && rest.startsWith("models/") && colon < 0) {
                String id = rest.substring("models/".length());
                if (models.contains(id)) {
                    json(res, 200, model(id).toString());
                    rec.markCompleted();
                } else {
                    notFound(res, rec, id, "get");
                }
                return;
            }
            if (req.method() != HttpMethod.POST || !rest.startsWith("models/") || colon < 0) {
                error(res, rec, 404, "Method not found.");
                return;
            }
            String model = rest.substring("models/".length(), colon);
            String method = rest.substring(colon + 1);
            res.closeHandler(v -> {
                if (!rec.completed()) {
                    rec.markClosed(System.nanoTime());
                }
            });
            try {
                switch (method) {
                    case "generateContent" -> {
                        chats.add(rec);
                        generate(req, rec, model, false);
                    }
                    case "streamGenerateContent" -> {
                        chats.add(rec);
                        generate(req, rec, model, true);
                    }
                    case "embedContent", "batchEmbedContents" -> {
                        embeddings.add(rec);
                        embed(req, rec, model, method.equals("batchEmbedContents"));
                    }
                    default -> error(res, rec, 404, "Method not found.");
                }
            } catch (GeminiWire.Refusal r) {
                error(res, rec, r.code, r.getMessage());
            }
        });
    }

    private static ObjectNode model(String id) {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", "models/" + id);
        m.put("version", "001");
        m.put("displayName", id);
        m.put("inputTokenLimit", 1_048_576);
        m.put("outputTokenLimit", 65_536);
        m.putArray("supportedGenerationMethods").add("generateContent").add("countTokens").add("embedContent");
        return m;
    }

    /** Hangs, scripted errors and unknown models; true when the request is dealt with. */
    private boolean answeredByBehaviourOrUnknownModel(HttpServerResponse res, Recorded rec, Behaviour b, String model, String method) {
        if (b.hangBeforeHeaders) {
            return true;
        }
        if (b.errorStatus != 0) {
            json(res, b.errorStatus, b.errorBody == null ? "" : b.errorBody);
            rec.markCompleted();
            return true;
        }
        if (!models.contains(model)) {
            notFound(res, rec, model, method);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- generate

    private void generate(HttpServerRequest req, Recorded rec, String model, boolean stream) {
        HttpServerResponse res = req.response();
        Behaviour b = behaviours.getOrDefault(model, new Behaviour());
        if (answeredByBehaviourOrUnknownModel(res, rec, b, model, stream ? "streamGenerateContent" : "generateContent")) {
            return;
        }
        JsonNode body = rec.body();
        GeminiWire.checkGenerate(body);
        int prompt = b.promptTokens != null ? b.promptTokens : PROMPT_TOKENS;
        String responseId = "fake-" + nextId();
        List<ObjectNode> objects;
        if (b.blockReason != null) {
            ObjectNode blocked = envelope(model, responseId);
            blocked.putObject("promptFeedback").put("blockReason", b.blockReason).putArray("safetyRatings").addObject()
                    .put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("probability", "HIGH");
            if (!b.omitUsage) {
                blocked.putObject("usageMetadata").put("promptTokenCount", prompt).put("totalTokenCount", prompt);
            }
            objects = List.of(blocked);
        } else {
            objects = reply(body, b, model, responseId, prompt, stream);
        }
        boolean sse = stream && "sse".equals(req.getParam("alt"));
        if (!stream) {
            Runnable answer = () -> {
                if (rec.closedEarly().isDone()) {
                    return;
                }
                if (b.resetAfterChunks >= 0) {
                    req.connection().close();
                } else {
                    json(res, 200, objects.get(0).toString());
                    rec.markCompleted();
                }
            };
            long delay = b.chunkDelayMillis * Math.max(1, b.tokens == null ? 4 : b.tokens.size());
            if (delay > 0) {
                vertx.setTimer(delay, t -> answer.run());
            } else {
                answer.run();
            }
            return;
        }
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            String json = objects.get(i).toString();
            frames.add(sse ? "data: " + json + SSE_END : (i == 0 ? "[" : ",\r\n") + json);
        }
        List<String> tail = sse ? List.of() : List.of("]");
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error").put("code", 500)
                .put("message", b.inBandErrorMessage == null ? "An internal error has occurred." : b.inBandErrorMessage)
                .put("status", "INTERNAL");
        res.setChunked(true).setStatusCode(200)
                .putHeader("content-type", sse ? "text/event-stream" : "application/json; charset=UTF-8");
        new FrameWriter(vertx, req, rec, frames, tail, b, sse ? "data: " + err + SSE_END : ",\r\n" + err + "]").start();
    }

    /** The reply as response objects: one per token and one for the tool calls when streaming, else one whole. */
    private List<ObjectNode> reply(JsonNode body, Behaviour b, String model, String responseId, int prompt, boolean stream) {
        List<String> tokens;
        List<Behaviour.ToolCallSpec> calls = b.toolCalls;
        String declared = firstAllowedFunction(body);
        if (calls != null) {
            tokens = b.tokens == null ? List.of() : b.tokens;
        } else if (b.tokens != null) {
            tokens = b.tokens;
        } else if (declared != null) {
            tokens = List.of();
            calls = List.of(new Behaviour.ToolCallSpec(null, declared, "{\"city\":\"Oslo\"}"));
        } else {
            tokens = List.of("Hello", " from", " " + model, "!");
        }
        String finish = "STOP";
        JsonNode max = body.path("generationConfig").path("maxOutputTokens");
        if (max.isNumber() && max.asInt() < tokens.size()) {
            tokens = tokens.subList(0, max.asInt());
            calls = null;
            finish = "MAX_TOKENS";
        }
        if (b.finishReason != null) {
            finish = b.finishReason;
        }
        List<ObjectNode> out = new ArrayList<>();
        int produced = 0;
        if (!stream) {
            ObjectNode whole = envelope(model, responseId);
            ObjectNode candidate = whole.putArray("candidates").addObject();
            ArrayNode parts = JSON.createArrayNode();
            if (!tokens.isEmpty()) {
                parts.addObject().put("text", String.join("", tokens));
            }
            addCalls(parts, calls, b);
            if (!parts.isEmpty()) {
                candidate.putObject("content").put("role", "model").set("parts", parts);
            }
            candidate.put("finishReason", finish).put("index", 0);
            produced = tokens.size() + (calls == null ? 0 : TOOL_CALL_TOKENS);
            usage(whole, b, prompt, produced);
            out.add(whole);
            return out;
        }
        for (String t : tokens) {
            ObjectNode chunk = envelope(model, responseId);
            ObjectNode candidate = chunk.putArray("candidates").addObject();
            candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", t);
            candidate.put("index", 0);
            usage(chunk, b, prompt, ++produced);
            out.add(chunk);
        }
        if (calls != null) {
            ObjectNode chunk = envelope(model, responseId);
            ObjectNode candidate = chunk.putArray("candidates").addObject();
            addCalls(candidate.putObject("content").put("role", "model").putArray("parts"), calls, b);
            candidate.put("index", 0);
            produced += TOOL_CALL_TOKENS;
            usage(chunk, b, prompt, produced);
            out.add(chunk);
        }
        if (out.isEmpty()) {
            ObjectNode chunk = envelope(model, responseId);
            chunk.putArray("candidates").addObject().put("index", 0);
            usage(chunk, b, prompt, produced);
            out.add(chunk);
        }
        // The last chunk carries the finish, as Gemini's does.
        ObjectNode last = (ObjectNode) out.get(out.size() - 1).path("candidates").get(0);
        last.put("finishReason", finish);
        return out;
    }

    /** The function a tool-enabled request lets the model call (first allowed one), or null when tools are off. */
    private static String firstAllowedFunction(JsonNode body) {
        JsonNode config = body.path("toolConfig").path("functionCallingConfig");
        if ("NONE".equals(config.path("mode").asText())) {
            return null;
        }
        JsonNode allowed = config.path("allowedFunctionNames");
        if (allowed.isArray() && !allowed.isEmpty()) {
            return allowed.get(0).asText();
        }
        JsonNode decl = body.path("tools").path(0).path("functionDeclarations").path(0);
        return decl.isMissingNode() ? null : decl.path("name").asText();
    }

    private static void addCalls(ArrayNode parts, List<Behaviour.ToolCallSpec> calls, Behaviour b) {
        if (calls == null) {
            return;
        }
        boolean first = true;
        for (Behaviour.ToolCallSpec spec : calls) {
            ObjectNode part = parts.addObject();
            ObjectNode fc = part.putObject("functionCall");
            if (spec.id() != null) {
                fc.put("id", spec.id());
            }
            fc.put("name", spec.name());
            try {
                fc.set("args", JSON.readTree(spec.argumentsJson()));
            } catch (Exception e) {
                throw new IllegalArgumentException("tool call arguments must be JSON: " + spec.argumentsJson(), e);
            }
            if (first && b.thoughtSignature != null) {
                part.put("thoughtSignature", b.thoughtSignature); // only the first parallel call carries one
            }
            first = false;
        }
    }

    private static ObjectNode envelope(String model, String responseId) {
        ObjectNode o = JSON.createObjectNode();
        o.put("modelVersion", model);
        o.put("responseId", responseId);
        return o;
    }

    private static void usage(ObjectNode response, Behaviour b, int prompt, int candidates) {
        if (b.omitUsage) {
            return;
        }
        ObjectNode u = response.putObject("usageMetadata");
        u.put("promptTokenCount", prompt);
        u.put("candidatesTokenCount", candidates);
        u.put("totalTokenCount", prompt + candidates);
        u.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
    }

    private synchronized int nextId() {
        return ++counter;
    }

    // ---------------------------------------------------------------- embeddings

    private void embed(HttpServerRequest req, Recorded rec, String model, boolean batch) {
        HttpServerResponse res = req.response();
        Behaviour b = behaviours.getOrDefault(model, new Behaviour());
        if (answeredByBehaviourOrUnknownModel(res, rec, b, model, batch ? "batchEmbedContents" : "embedContent")) {
            return;
        }
        JsonNode body = rec.body();
        ObjectNode out = JSON.createObjectNode();
        if (batch) {
            GeminiWire.known(body, java.util.Set.of("requests"), "");
            JsonNode requests = body.path("requests");
            if (!requests.isArray() || requests.isEmpty()) {
                throw new GeminiWire.Refusal(400, "* BatchEmbedContentsRequest.requests: requests is not specified");
            }
            if (requests.size() > 100) {
                throw new GeminiWire.Refusal(400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
            }
            ArrayNode list = out.putArray("embeddings");
            for (int i = 0; i < requests.size(); i++) {
                JsonNode r = requests.get(i);
                GeminiWire.known(r, GeminiWire.EMBED, "requests[" + i + "]");
                if (!("models/" + model).equals(r.path("model").asText())) {
                    throw new GeminiWire.Refusal(400, "Model name in request[" + i + "] must match the model of the batch: models/" + model);
                }
                list.addObject().set("values", vector(r, "requests[" + i + "]"));
            }
        } else {
            GeminiWire.known(body, GeminiWire.EMBED, "");
            out.putObject("embedding").set("values", vector(body, ""));
        }
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

    private static ArrayNode vector(JsonNode request, String at) {
        JsonNode parts = request.path("content").path("parts");
        if (!parts.isArray() || parts.isEmpty()) {
            throw new GeminiWire.Refusal(400, "* EmbedContentRequest." + at + ".content: content is not specified");
        }
        StringBuilder text = new StringBuilder();
        parts.forEach(p -> text.append(p.path("text").asText("")));
        double[] v = FakeOllama.embeddingFor(text.toString());
        int dims = request.path("outputDimensionality").asInt(v.length);
        ArrayNode values = JSON.createArrayNode();
        for (int i = 0; i < Math.min(dims, v.length); i++) {
            values.add(v[i]);
        }
        return values;
    }

    // ---------------------------------------------------------------- helpers

    private static void notFound(HttpServerResponse res, Recorded rec, String model, String method) {
        error(res, rec, 404, "models/" + model + " is not found for API version v1beta, or is not supported for "
                + method + ". Call ListModels to see the list of available models and their supported methods.");
    }

    private static void json(HttpServerResponse res, int status, String body) {
        res.setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8").end(body);
    }

    private static void error(HttpServerResponse res, Recorded rec, int code, String message) {
        json(res, code, GeminiWire.errorBody(code, message));
        rec.markCompleted();
    }
}
