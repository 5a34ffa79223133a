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
 * A fake Anthropic Messages server (PROTOCOLS.md §2): {@code POST /v1/messages} with
 * {@code x-api-key} and {@code anthropic-version} required, the request checked by
 * {@link AnthropicRequestCheck}, answered as one {@code message} object or as the exact event
 * sequence of §2.4 ({@code message_start}, {@code content_block_start}, {@code ping},
 * {@code content_block_delta} text/input_json, {@code content_block_stop}, {@code message_delta},
 * {@code message_stop}), each with its {@code event:} line. Errors use
 * {@code {"type":"error","error":{"type","message"},"request_id"}}; a stream can be cut after N
 * content events or end with an in-band {@code event: error}.
 *
 * <p>By default a chat replies {@code "Hello", " from", " <model>", "!"}; with {@code tools} it
 * calls the tool {@code tool_choice} names, else the first, with {@code {"city":"Oslo"}} sent in
 * two {@code input_json_delta} pieces. Usage: {@link #INPUT_TOKENS} uncached input plus
 * {@link #CACHE_READ_TOKENS} read from the prompt cache; output counts one per token and
 * {@link #TOOL_CALL_TOKENS} per call.
 */
public final class FakeAnthropic implements AutoCloseable {

    public static final String VERSION = "2023-06-01";
    public static final int INPUT_TOKENS = 12;
    public static final int CACHE_READ_TOKENS = 4;
    public static final int TOOL_CALL_TOKENS = 9;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpServer server;
    private volatile List<String> models = List.of();
    private volatile String requiredApiKey;
    private volatile String lastReply;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Recorded> messages = new CopyOnWriteArrayList<>();
    private int counter;

    private FakeAnthropic(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeAnthropic start(String... models) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeAnthropic fake = new FakeAnthropic(vertx, server);
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

    /** Base URL without {@code /v1}, as an Anthropic deployment's {@code base_url} is written. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Only this {@code x-api-key} is accepted (null = any, but one must be sent). */
    public void requireApiKey(String key) {
        requiredApiKey = key;
    }

    public Behaviour behaviour(String model) {
        return behaviours.computeIfAbsent(model, k -> new Behaviour());
    }

    public void reset() {
        behaviours.clear();
        messages.clear();
        lastReply = null;
    }

    /** Every {@code POST /v1/messages} received, in order. */
    public List<Recorded> messageRequests() {
        return List.copyOf(messages);
    }

    public Recorded lastMessages() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    /** The complete body of the last 2xx reply, exactly as written (a stream's whole event text). */
    public String lastReply() {
        return lastReply;
    }

    /** An Anthropic error body for {@code status} with the documented type (PROTOCOLS.md 2.5). */
    public static String errorBody(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 500 -> "api_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> "invalid_request_error";
        };
        ObjectNode root = JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", "req_fake_error");
        return root.toString();
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
            HttpServerResponse res = req.response().putHeader("request-id", "req_fake" + nextId());
            if (!req.path().equals("/v1/messages") || req.method() != HttpMethod.POST) {
                error(res, rec, 404, "Not Found");
                return;
            }
            messages.add(rec);
            res.closeHandler(v -> {
                if (!rec.completed()) {
                    rec.markClosed(System.nanoTime());
                }
            });
            String key = req.getHeader("x-api-key");
            if (key == null || (requiredApiKey != null && !requiredApiKey.equals(key))) {
                error(res, rec, 401, key == null ? "x-api-key header is required" : "invalid x-api-key");
            } else if (req.getHeader("anthropic-version") == null) {
                error(res, rec, 400, "anthropic-version: header is required");
            } else if (!body.isObject()) {
                error(res, rec, 400, "The request body is not valid JSON.");
            } else {
                chat(req, rec);
            }
        });
    }

    private void chat(HttpServerRequest req, Recorded rec) {
        HttpServerResponse res = req.response();
        JsonNode body = rec.body();
        String problem = AnthropicRequestCheck.problem(body);
        if (problem != null) {
            error(res, rec, 400, problem);
            return;
        }
        String model = body.path("model").asText();
        Behaviour b = behaviours.getOrDefault(model, new Behaviour());
        if (b.hangBeforeHeaders) {
            return;
        }
        if (b.failsNow()) {
            if (b.retryAfter != null) {
                res.putHeader("retry-after", b.retryAfter);
            }
            res.setStatusCode(b.errorStatus).putHeader("content-type", "application/json").end(b.errorBody == null ? "" : b.errorBody);
            rec.markCompleted();
            return;
        }
        if (!models.contains(model)) {
            error(res, rec, 404, "model: " + model);
            return;
        }
        Reply reply = Reply.plan(body, b, model);
        String id = "msg_fake" + nextId();
        if (body.path("stream").asBoolean(false)) {
            stream(req, rec, b, reply, id, model);
        } else {
            whole(req, rec, b, reply, id, model);
        }
    }

    private void whole(HttpServerRequest req, Recorded rec, Behaviour b, Reply reply, String id, String model) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = out.putArray("content");
        if (!reply.tokens().isEmpty()) {
            content.addObject().put("type", "text").put("text", String.join("", reply.tokens()));
        }
        for (Behaviour.ToolCallSpec call : reply.calls()) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            use.set("input", parse(call.argumentsJson()));
        }
        out.put("stop_reason", reply.stopReason());
        if (reply.stopSequence() == null) {
            out.putNull("stop_sequence");
        } else {
            out.put("stop_sequence", reply.stopSequence());
        }
        out.set("usage", usage(reply.outputTokens()));
        Runnable send = () -> {
            if (rec.closedEarly().isDone()) {
                return;
            }
            if (b.resetAfterChunks >= 0) {
                req.connection().close();
                return;
            }
            lastReply = out.toString();
            req.response().setStatusCode(200).putHeader("content-type", "application/json").end(lastReply);
            rec.markCompleted();
        };
        long delay = b.chunkDelayMillis * Math.max(1, reply.tokens().size());
        if (delay > 0) {
            vertx.setTimer(delay, t -> send.run());
        } else {
            send.run();
        }
    }

    private void stream(HttpServerRequest req, Recorded rec, Behaviour b, Reply reply, String id, String model) {
        List<String> frames = new ArrayList<>();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", usage(1));
        frames.add(event(start));
        int index = 0;
        if (!reply.tokens().isEmpty()) {
            ObjectNode blockStart = blockStart(index);
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            frames.add(event(blockStart));
            frames.add(event(JSON.createObjectNode().put("type", "ping")));
            for (String token : reply.tokens()) {
                ObjectNode delta = blockEvent("content_block_delta", index);
                delta.putObject("delta").put("type", "text_delta").put("text", token);
                frames.add(event(delta));
            }
            frames.add(event(blockEvent("content_block_stop", index)));
            index++;
        }
        for (Behaviour.ToolCallSpec call : reply.calls()) {
            ObjectNode blockStart = blockStart(index);
            ObjectNode use = blockStart.putObject("content_block").put("type", "tool_use").put("id", call.id()).put("name", call.name());
            use.putObject("input");
            frames.add(event(blockStart));
            if (index == 0) {
                frames.add(event(JSON.createObjectNode().put("type", "ping")));
            }
            String args = parse(call.argumentsJson()).toString();
            if (!args.equals("{}")) {
                // A call with no arguments gets no input_json_delta at all; others start with "" and come in pieces.
                int cut = args.length() / 2;
                for (String piece : List.of("", args.substring(0, cut), args.substring(cut))) {
                    ObjectNode delta = blockEvent("content_block_delta", index);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                    frames.add(event(delta));
                }
            }
            frames.add(event(blockEvent("content_block_stop", index)));
            index++;
        }
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        ObjectNode delta = messageDelta.putObject("delta").put("stop_reason", reply.stopReason());
        if (reply.stopSequence() == null) {
            delta.putNull("stop_sequence");
        } else {
            delta.put("stop_sequence", reply.stopSequence());
        }
        messageDelta.putObject("usage").put("output_tokens", reply.outputTokens());
        List<String> tail = List.of(event(messageDelta), event(JSON.createObjectNode().put("type", "message_stop")));
        lastReply = String.join("", frames) + String.join("", tail);
        ObjectNode err = JSON.createObjectNode().put("type", "error");
        err.putObject("error").put("type", "overloaded_error")
                .put("message", b.inBandErrorMessage == null ? "Overloaded" : b.inBandErrorMessage);
        req.response().setChunked(true).setStatusCode(200)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache");
        new FrameWriter(vertx, req, rec, frames, tail, b, event(err)).start();
    }

    private static ObjectNode blockStart(int index) {
        return blockEvent("content_block_start", index);
    }

    private static ObjectNode blockEvent(String type, int index) {
        return JSON.createObjectNode().put("type", type).put("index", index);
    }

    /** One SSE event: the {@code event:} line always equals the JSON {@code type}. */
    private static String event(ObjectNode data) {
        return "event: " + data.path("type").asText() + "\ndata: " + data + "\n\n";
    }

    private static ObjectNode usage(int output) {
        return JSON.createObjectNode().put("input_tokens", INPUT_TOKENS).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", CACHE_READ_TOKENS).put("output_tokens", output);
    }

    static JsonNode parse(String json) {
        try {
            JsonNode n = JSON.readTree(json == null || json.isEmpty() ? "{}" : json);
            return n.isObject() ? n : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static void error(HttpServerResponse res, Recorded rec, int status, String message) {
        res.setStatusCode(status).putHeader("content-type", "application/json").end(errorBody(status, message));
        rec.markCompleted();
    }

    private synchronized int nextId() {
        return ++counter;
    }

    /** What the fake will answer to one request: text tokens, calls, why it stopped. */
    private record Reply(List<String> tokens, List<Behaviour.ToolCallSpec> calls, String stopReason, String stopSequence) {

        int outputTokens() {
            return tokens.size() + calls.size() * TOOL_CALL_TOKENS;
        }

        static Reply plan(JsonNode body, Behaviour b, String model) {
            List<String> tokens;
            List<Behaviour.ToolCallSpec> calls = List.of();
            JsonNode tools = body.path("tools");
            String choice = body.path("tool_choice").path("type").asText("auto");
            if (b.toolCalls != null) {
                tokens = b.tokens == null ? List.of() : b.tokens;
                calls = b.toolCalls.stream().map(c -> new Behaviour.ToolCallSpec(
                        c.id() == null ? "toolu_" + FakeOllama.randomAlnum(24) : c.id(), c.name(), c.argumentsJson())).toList();
            } else if (b.tokens != null) {
                tokens = b.tokens;
            } else if (tools.isArray() && !tools.isEmpty() && !choice.equals("none")) {
                tokens = List.of();
                String name = choice.equals("tool") ? body.path("tool_choice").path("name").asText() : tools.get(0).path("name").asText();
                calls = List.of(new Behaviour.ToolCallSpec("toolu_" + FakeOllama.randomAlnum(24), name, "{\"city\":\"Oslo\"}"));
            } else {
                tokens = List.of("Hello", " from", " " + model, "!");
            }
            for (int i = 0; i < tokens.size(); i++) {
                for (JsonNode stop : body.path("stop_sequences")) {
                    if (tokens.get(i).contains(stop.asText())) {
                        return new Reply(List.copyOf(tokens.subList(0, i)), List.of(), "stop_sequence", stop.asText());
                    }
                }
            }
            int max = body.path("max_tokens").asInt();
            if (max < tokens.size()) {
                return new Reply(List.copyOf(tokens.subList(0, max)), List.of(), "max_tokens", null);
            }
            return new Reply(tokens, calls, calls.isEmpty() ? "end_turn" : "tool_use", null);
        }
    }
}
