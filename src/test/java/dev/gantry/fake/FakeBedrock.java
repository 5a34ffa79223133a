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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * A fake Bedrock runtime (PROTOCOLS.md 4.5): {@code POST /model/{modelId}/converse} answers
 * Converse JSON, {@code /converse-stream} answers a binary AWS event stream written with the
 * {@code eventstream} library (messageStart, contentBlockStart/Delta/Stop, messageStop, then
 * metadata; payloads carry the {@code "p"} padding field). Every request must carry a valid
 * SigV4 signature ({@link SigV4Verifier}); a bad one gets Bedrock's 403.
 *
 * <p>The request is validated as Converse does: known top-level fields only, a conversation
 * that starts with the user and alternates, no blank text, tool blocks only with a
 * {@code toolConfig}, tool results that answer the previous turn's calls, ids matching
 * {@code [a-zA-Z0-9_-]+}. The reply is {@code "Hello", " from", " <modelId>", "!"} unless a
 * {@link Behaviour} says otherwise; with tools it calls the first (or the forced) tool. Errors
 * are {@code {"message"}} bodies named by {@code x-amzn-ErrorType}; mid-stream failures are an
 * exception message or a cut connection.
 */
public final class FakeBedrock implements AutoCloseable {

    public static final int INPUT_TOKENS = 21;
    public static final int TOOL_CALL_TOKENS = 9;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROUTE = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");
    private static final Pattern TOOL_USE_ID = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final Set<String> TOP_LEVEL = Set.of("messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig",
            "additionalModelRequestFields", "additionalModelResponseFieldPaths", "promptVariables", "requestMetadata", "performanceConfig");

    private record AwsError(int status, String type, String message) {}

    private final Vertx vertx;
    private final HttpServer server;
    private final SigV4Verifier verifier;
    private final List<String> models;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AwsError> errors = new ConcurrentHashMap<>();
    private final Map<String, String> exceptionTypes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<String> signatureProblems = new CopyOnWriteArrayList<>();

    private FakeBedrock(Vertx vertx, HttpServer server, SigV4Verifier verifier, List<String> models) {
        this.vertx = vertx;
        this.server = server;
        this.verifier = verifier;
        this.models = models;
    }

    /** @param sessionToken the token of the temporary credentials (requests carrying one must sign it), or null */
    public static FakeBedrock start(String region, String accessKeyId, String secretKey, String sessionToken, String... models) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeBedrock fake = new FakeBedrock(vertx, server, new SigV4Verifier(region, accessKeyId, secretKey, sessionToken), List.of(models));
        try {
            server.requestHandler(fake::handle).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public Behaviour behaviour(String model) {
        return behaviours.computeIfAbsent(model, k -> new Behaviour());
    }

    /** Answer {@code model}'s calls with this AWS error: status, {@code x-amzn-ErrorType}, {@code {"message"}}. */
    public void failWith(String model, int status, String exceptionType, String message) {
        errors.put(model, new AwsError(status, exceptionType, message));
    }

    /** The {@code :exception-type} of the in-band failure {@link Behaviour#inBandErrorAfterChunks} sends (default modelStreamErrorException). */
    public void exceptionType(String model, String type) {
        exceptionTypes.put(model, type);
    }

    public void reset() {
        behaviours.clear();
        errors.clear();
        exceptionTypes.clear();
        requests.clear();
        signatureProblems.clear();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded last() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** Why signatures were refused, one entry per refused request (empty when all verified). */
    public List<String> signatureProblems() {
        return List.copyOf(signatureProblems);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    private void handle(HttpServerRequest req) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        req.body().onSuccess(buf -> {
            JsonNode body;
            try {
                body = buf.length() == 0 ? MissingNode.getInstance() : JSON.readTree(buf.getBytes());
            } catch (Exception e) {
                body = MissingNode.getInstance();
            }
            Recorded rec = new Recorded(req.path(), body, headers);
            requests.add(rec);
            HttpServerResponse res = req.response();
            res.closeHandler(v -> {
                if (!rec.completed()) {
                    rec.markClosed(System.nanoTime());
                }
            });
            String problem = verifier.verify(req, buf.getBytes());
            if (problem != null) {
                signatureProblems.add(problem);
                boolean missing = req.getHeader("authorization") == null;
                awsError(res, rec, new AwsError(403, missing ? "MissingAuthenticationTokenException" : "InvalidSignatureException",
                        missing ? "Missing Authentication Token" : "The request signature we calculated does not match the signature "
                                + "you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."));
                return;
            }
            Matcher route = ROUTE.matcher(req.path());
            if (req.method() != HttpMethod.POST || !route.matches()) {
                awsError(res, rec, new AwsError(404, "UnknownOperationException", "Unknown operation"));
                return;
            }
            String model = URLDecoder.decode(route.group(1), StandardCharsets.UTF_8);
            AwsError scripted = errors.get(model);
            if (scripted != null) {
                awsError(res, rec, scripted);
                return;
            }
            if (!models.contains(model)) {
                awsError(res, rec, new AwsError(400, "ValidationException", "The provided model identifier is invalid."));
                return;
            }
            String invalid = validate(body);
            if (invalid != null) {
                awsError(res, rec, new AwsError(400, "ValidationException", invalid));
                return;
            }
            Behaviour b = behaviours.getOrDefault(model, new Behaviour());
            if (b.hangBeforeHeaders) {
                return;
            }
            Reply reply = reply(model, body, b);
            if (route.group(2).equals("converse")) {
                converse(req, rec, reply, b);
            } else {
                converseStream(req, rec, reply, b, exceptionTypes.getOrDefault(model, "modelStreamErrorException"));
            }
        });
    }

    // ---------------------------------------------------------------- validation, as Converse does it

    private static String validate(JsonNode body) {
        if (!body.isObject()) {
            return "Malformed input request, please reformat your input and try again.";
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                return "Malformed input request: extraneous key [" + field + "] is not permitted, please reformat your input and try again.";
            }
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
        }
        boolean hasToolConfig = body.path("toolConfig").path("tools").isArray();
        Set<String> openCalls = new HashSet<>();
        String previous = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (i == 0 && !role.equals("user")) {
                return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
            }
            if (role.equals(previous)) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates "
                        + "between user and assistant roles and try again.";
            }
            previous = role;
            JsonNode content = m.path("content");
            if (!content.isArray() || content.isEmpty()) {
                return "The content field in the Message object at messages." + i + " is empty. Add a ContentBlock object to the content field and try again.";
            }
            Set<String> calls = new HashSet<>();
            for (int j = 0; j < content.size(); j++) {
                JsonNode block = content.get(j);
                String at = "messages." + i + ".content." + j;
                if (block.has("text") && block.path("text").asText().isBlank()) {
                    return "The text field in the ContentBlock object at " + at + " is blank. Add text to the text field, and try again.";
                }
                if (block.has("image")) {
                    JsonNode image = block.path("image");
                    if (!Set.of("png", "jpeg", "gif", "webp").contains(image.path("format").asText())) {
                        return "1 validation error detected: Value at '" + at + ".image.format' failed to satisfy constraint: "
                                + "Member must satisfy enum value set: [png, jpeg, gif, webp]";
                    }
                    try {
                        Base64.getDecoder().decode(image.path("source").path("bytes").asText());
                    } catch (IllegalArgumentException e) {
                        return "Invalid base64 in " + at + ".image.source.bytes";
                    }
                }
                JsonNode use = block.path("toolUse");
                JsonNode result = block.path("toolResult");
                if ((use.isObject() || result.isObject()) && !hasToolConfig) {
                    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
                }
                if (use.isObject()) {
                    String id = use.path("toolUseId").asText();
                    if (!TOOL_USE_ID.matcher(id).matches() || !role.equals("assistant") || !use.path("input").isObject()) {
                        return "1 validation error detected: Value at '" + at + ".toolUse' failed to satisfy constraint";
                    }
                    calls.add(id);
                }
                if (result.isObject()) {
                    String id = result.path("toolUseId").asText();
                    if (!role.equals("user") || !openCalls.contains(id)) {
                        return "The toolUseId " + id + " in " + at + " does not match a toolUse block of the previous turn.";
                    }
                }
            }
            openCalls = calls;
        }
        return null;
    }

    // ---------------------------------------------------------------- replies

    private record Call(String id, String name, String input) {}

    private record Reply(List<String> tokens, List<Call> calls, String stopReason, int outputTokens) {}

    private static Reply reply(String model, JsonNode body, Behaviour b) {
        List<String> tokens;
        List<Call> calls = new ArrayList<>();
        if (b.toolCalls != null) {
            tokens = b.tokens == null ? List.of() : b.tokens;
            for (Behaviour.ToolCallSpec spec : b.toolCalls) {
                calls.add(new Call(spec.id() == null ? "tooluse_" + FakeOllama.randomAlnum(22) : spec.id(), spec.name(), spec.argumentsJson()));
            }
        } else if (b.tokens != null) {
            tokens = b.tokens;
        } else if (body.path("toolConfig").path("tools").isArray() && !body.path("toolConfig").path("tools").isEmpty()) {
            tokens = List.of();
            String forced = body.path("toolConfig").path("toolChoice").path("tool").path("name").asText(null);
            String name = forced != null ? forced : body.path("toolConfig").path("tools").get(0).path("toolSpec").path("name").asText();
            calls.add(new Call("tooluse_" + FakeOllama.randomAlnum(22), name, "{\"city\":\"Oslo\"}"));
        } else {
            tokens = List.of("Hello", " from", " " + model, "!");
        }
        String stop = calls.isEmpty() ? "end_turn" : "tool_use";
        JsonNode max = body.path("inferenceConfig").path("maxTokens");
        if (max.isNumber() && max.asInt() < tokens.size()) {
            tokens = tokens.subList(0, max.asInt());
            calls = List.of();
            stop = "max_tokens";
        }
        return new Reply(tokens, calls, stop, tokens.size() + (calls.isEmpty() ? 0 : TOOL_CALL_TOKENS));
    }

    private static ObjectNode usage(Reply reply) {
        return JSON.createObjectNode().put("inputTokens", INPUT_TOKENS).put("outputTokens", reply.outputTokens())
                .put("totalTokens", INPUT_TOKENS + reply.outputTokens());
    }

    private void converse(HttpServerRequest req, Recorded rec, Reply reply, Behaviour b) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode message = out.putObject("output").putObject("message").put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (!reply.tokens().isEmpty()) {
            content.addObject().put("text", String.join("", reply.tokens()));
        }
        for (Call call : reply.calls()) {
            try {
                content.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name())
                        .set("input", JSON.readTree(call.input()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        out.put("stopReason", reply.stopReason());
        out.set("usage", usage(reply));
        out.putObject("metrics").put("latencyMs", 42);
        Runnable send = () -> {
            if (rec.closedEarly().isDone()) {
                return;
            }
            if (b.resetAfterChunks >= 0) {
                req.connection().close();
                return;
            }
            req.response().setStatusCode(200).putHeader("content-type", "application/json")
                    .putHeader("x-amzn-requestid", FakeOllama.randomAlnum(32)).end(out.toString());
            rec.markCompleted();
        };
        if (b.chunkDelayMillis > 0) {
            vertx.setTimer(b.chunkDelayMillis * Math.max(1, reply.tokens().size()), t -> send.run());
        } else {
            send.run();
        }
    }

    private void converseStream(HttpServerRequest req, Recorded rec, Reply reply, Behaviour b, String exceptionType) {
        List<Buffer> frames = new ArrayList<>();
        frames.add(event("messageStart", JSON.createObjectNode().put("p", "abcdefghijkl").put("role", "assistant")));
        int block = 0;
        if (!reply.tokens().isEmpty()) {
            for (String t : reply.tokens()) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", block);
                delta.putObject("delta").put("text", t);
                frames.add(event("contentBlockDelta", delta.put("p", "abcd")));
            }
            frames.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", block).put("p", "abcdefgh")));
            block++;
        }
        for (Call call : reply.calls()) {
            ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", block);
            start.putObject("start").putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
            frames.add(event("contentBlockStart", start.put("p", "ab")));
            // Arguments arrive as string fragments that are only JSON when joined.
            int half = call.input().length() / 2;
            for (String fragment : new String[] {call.input().substring(0, half), call.input().substring(half)}) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", block);
                delta.putObject("delta").putObject("toolUse").put("input", fragment);
                frames.add(event("contentBlockDelta", delta.put("p", "abcdef")));
            }
            frames.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", block)));
            block++;
        }
        List<Buffer> tail = new ArrayList<>();
        tail.add(event("messageStop", JSON.createObjectNode().put("stopReason", reply.stopReason()).put("p", "abc")));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.set("usage", usage(reply));
        metadata.putObject("metrics").put("latencyMs", 42);
        tail.add(event("metadata", metadata.put("p", "abcdefghijklmnop")));
        Buffer exception = frame(Map.of(":message-type", "exception", ":exception-type", exceptionType, ":content-type", "application/json"),
                JSON.createObjectNode().put("message", b.inBandErrorMessage == null ? "error" : b.inBandErrorMessage));
        req.response().setChunked(true).setStatusCode(200)
                .putHeader("content-type", "application/vnd.amazon.eventstream")
                .putHeader("x-amzn-requestid", FakeOllama.randomAlnum(32));
        step(req, rec, frames, tail, b, exception, 0);
    }

    /** Writes one frame per step, as Bedrock flushes one event at a time; stops quietly once the client left. */
    private void step(HttpServerRequest req, Recorded rec, List<Buffer> frames, List<Buffer> tail, Behaviour b, Buffer exception, int next) {
        Runnable run = () -> {
            HttpServerResponse res = req.response();
            if (rec.closedEarly().isDone()) {
                return;
            }
            if (b.resetAfterChunks >= 0 && next >= Math.min(b.resetAfterChunks, frames.size())) {
                res.write(Buffer.buffer()).onComplete(ar -> req.connection().close());
                return;
            }
            if (b.inBandErrorAfterChunks >= 0 && next >= Math.min(b.inBandErrorAfterChunks, frames.size())) {
                res.end(exception).onComplete(ar -> rec.markCompleted());
                return;
            }
            if (next < frames.size()) {
                res.write(frames.get(next));
                step(req, rec, frames, tail, b, exception, next + 1);
                return;
            }
            tail.forEach(res::write);
            res.end().onComplete(ar -> rec.markCompleted());
        };
        if (b.chunkDelayMillis > 0) {
            vertx.setTimer(b.chunkDelayMillis, t -> run.run());
        } else {
            vertx.runOnContext(v -> run.run());
        }
    }

    private static Buffer event(String type, JsonNode payload) {
        return frame(Map.of(":message-type", "event", ":event-type", type, ":content-type", "application/json"), payload);
    }

    static Buffer frame(Map<String, String> headers, JsonNode payload) {
        Map<String, HeaderValue> values = new LinkedHashMap<>();
        headers.forEach((k, v) -> values.put(k, HeaderValue.fromString(v)));
        Message message = new Message(values, payload.toString().getBytes(StandardCharsets.UTF_8));
        var bytes = message.toByteBuffer();
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return Buffer.buffer(out);
    }

    private static void awsError(HttpServerResponse res, Recorded rec, AwsError error) {
        res.setStatusCode(error.status())
                .putHeader("content-type", "application/json")
                .putHeader("x-amzn-errortype", error.type() + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
                .putHeader("x-amzn-requestid", FakeOllama.randomAlnum(32))
                .end(JSON.createObjectNode().put("message", error.message()).toString());
        rec.markCompleted();
    }
}
