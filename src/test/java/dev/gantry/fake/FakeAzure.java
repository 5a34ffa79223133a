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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Azure OpenAI resource (PROTOCOLS.md 4.2). Classic routes
 * {@code POST /openai/deployments/{deployment}/chat/completions|embeddings?api-version=…} and the
 * v1 routes {@code POST /openai/v1/chat/completions|embeddings} (deployment in the body's
 * {@code model}). Only the {@code api-key} header authenticates; a request that also carries
 * {@code Authorization} is refused as Azure refuses a key sent as an Entra token.
 *
 * <p>Azure's habits are imitated: the stream opens with a {@code "choices":[]} chunk holding
 * {@code prompt_filter_results}, every choice carries {@code content_filter_results}, an output
 * filter ends with {@code finish_reason: "content_filter"}, and a filtered prompt gets the 400
 * body of {@link #CONTENT_FILTER_BODY}. The reply is {@code "Hello", " from", " <deployment>", "!"}
 * unless a {@link Behaviour} says otherwise; with {@code tools} it calls the first one.
 */
public final class FakeAzure implements AutoCloseable {

    public static final int PROMPT_TOKENS = 17;
    public static final int TOOL_CALL_TOKENS = 9;
    public static final String CONTENT_FILTER_BODY = """
            {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. \
            Please modify your prompt and retry.","type":null,"param":"prompt","code":"content_filter","status":400,\
            "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"},\
            "self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},\
            "violence":{"filtered":false,"severity":"safe"}}}}}""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CLASSIC = Pattern.compile("/openai/deployments/([^/]+)/(chat/completions|embeddings)");
    private static final Pattern V1 = Pattern.compile("/openai/v1/(chat/completions|embeddings)");

    private final Vertx vertx;
    private final HttpServer server;
    private final String apiKey;
    private final List<String> deployments;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, Integer> outputFilterAfter = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<String> uris = new CopyOnWriteArrayList<>();
    private final List<String> sentFrames = new CopyOnWriteArrayList<>();

    private FakeAzure(Vertx vertx, HttpServer server, String apiKey, List<String> deployments) {
        this.vertx = vertx;
        this.server = server;
        this.apiKey = apiKey;
        this.deployments = deployments;
    }

    public static FakeAzure start(String apiKey, String... deployments) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeAzure fake = new FakeAzure(vertx, server, apiKey, List.of(deployments));
        try {
            server.requestHandler(fake::handle).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    /** The resource root, as a classic deployment's {@code base_url} is written. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public Behaviour behaviour(String deployment) {
        return behaviours.computeIfAbsent(deployment, k -> new Behaviour());
    }

    /** The output filter trips after {@code tokens} tokens: the answer ends there with {@code content_filter}. */
    public void filterOutputAfter(String deployment, int tokens) {
        outputFilterAfter.put(deployment, tokens);
    }

    public void reset() {
        behaviours.clear();
        outputFilterAfter.clear();
        requests.clear();
        uris.clear();
        sentFrames.clear();
    }

    public Recorded last() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** Path and query of the last request, exactly as received. */
    public String lastUri() {
        return uris.isEmpty() ? null : uris.get(uris.size() - 1);
    }

    /** The SSE frames of the last streamed answer, exactly as written. */
    public List<String> sentFrames() {
        return List.copyOf(sentFrames);
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
        String uri = req.uri();
        req.body().onSuccess(buf -> {
            JsonNode body;
            try {
                body = buf.length() == 0 ? MissingNode.getInstance() : JSON.readTree(buf.getBytes());
            } catch (Exception e) {
                body = MissingNode.getInstance();
            }
            Recorded rec = new Recorded(req.path(), body, headers);
            requests.add(rec);
            uris.add(uri);
            HttpServerResponse res = req.response();
            res.closeHandler(v -> {
                if (!rec.completed()) {
                    rec.markClosed(System.nanoTime());
                }
            });
            if (!apiKey.equals(req.getHeader("api-key")) || req.getHeader("authorization") != null) {
                error(res, rec, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                        + "provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
                return;
            }
            String deployment;
            String operation;
            Matcher classic = CLASSIC.matcher(req.path());
            Matcher v1 = V1.matcher(req.path());
            if (req.method() == HttpMethod.POST && classic.matches()) {
                if (req.getParam("api-version") == null || req.getParam("api-version").isBlank()) {
                    error(res, rec, 404, "404", "Resource not found");
                    return;
                }
                deployment = classic.group(1);
                operation = classic.group(2);
            } else if (req.method() == HttpMethod.POST && v1.matches()) {
                deployment = body.path("model").asText("");
                operation = v1.group(1);
            } else {
                error(res, rec, 404, "404", "Resource not found");
                return;
            }
            Behaviour b = behaviours.getOrDefault(deployment, new Behaviour());
            if (b.hangBeforeHeaders) {
                return;
            }
            if (b.errorStatus != 0) {
                res.setStatusCode(b.errorStatus).putHeader("content-type", "application/json");
                if (b.errorStatus == 429) {
                    res.putHeader("retry-after", "7");
                }
                res.end(b.errorBody == null ? "" : b.errorBody);
                rec.markCompleted();
                return;
            }
            if (!deployments.contains(deployment)) {
                error(res, rec, 404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created "
                        + "the deployment within the last 5 minutes, please wait a moment and try again.");
                return;
            }
            if (operation.equals("embeddings")) {
                embed(res, rec, deployment);
            } else {
                chat(req, rec, deployment, b);
            }
        });
    }

    private void chat(HttpServerRequest req, Recorded rec, String deployment, Behaviour b) {
        HttpServerResponse res = req.response();
        JsonNode body = rec.body();
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            error(res, rec, 400, null, "'messages' is a required property");
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
            calls = List.of(new Behaviour.ToolCallSpec("call_" + FakeOllama.randomAlnum(24),
                    body.path("tools").get(0).path("function").path("name").asText(), "{\"city\":\"Oslo\"}"));
        } else {
            tokens = List.of("Hello", " from", " " + deployment, "!");
        }
        String finish = calls != null ? "tool_calls" : "stop";
        Integer filterAfter = outputFilterAfter.get(deployment);
        if (filterAfter != null && filterAfter < tokens.size()) {
            tokens = tokens.subList(0, filterAfter);
            calls = null;
            finish = "content_filter";
        }
        int completion = tokens.size() + (calls == null ? 0 : TOOL_CALL_TOKENS);
        String id = "chatcmpl-azure" + FakeOllama.randomAlnum(10);
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode out = JSON.createObjectNode();
            out.put("id", id).put("object", "chat.completion").put("created", 1_730_000_000L).put("model", "gpt-4o-2024-08-06");
            out.putNull("system_fingerprint");
            out.set("prompt_filter_results", promptFilterResults());
            ObjectNode choice = out.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", finish);
            choice.putNull("logprobs");
            choice.set("content_filter_results", filterResults(finish.equals("content_filter")));
            ObjectNode msg = choice.putObject("message").put("role", "assistant");
            if (calls != null && tokens.isEmpty()) {
                msg.putNull("content");
            } else {
                msg.put("content", String.join("", tokens));
            }
            if (calls != null) {
                ArrayNode tc = msg.putArray("tool_calls");
                for (Behaviour.ToolCallSpec spec : calls) {
                    tc.addObject().put("id", spec.id()).put("type", "function")
                            .putObject("function").put("name", spec.name()).put("arguments", spec.argumentsJson());
                }
            }
            out.set("usage", usage(completion));
            if (b.resetAfterChunks >= 0) {
                req.connection().close();
                return;
            }
            res.setStatusCode(200).putHeader("content-type", "application/json").end(out.toString());
            rec.markCompleted();
            return;
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        List<String> frames = new ArrayList<>();
        ObjectNode filterChunk = JSON.createObjectNode();
        filterChunk.putArray("choices");
        filterChunk.put("created", 0).put("id", "").put("model", "").put("object", "");
        filterChunk.set("prompt_filter_results", promptFilterResults());
        frames.add(sse(filterChunk));
        ObjectNode first = JSON.createObjectNode().put("role", "assistant");
        if (calls != null && tokens.isEmpty()) {
            first.putNull("content");
        } else {
            first.put("content", "");
        }
        frames.add(sse(chunk(id, first, null, includeUsage)));
        for (String t : tokens) {
            frames.add(sse(chunk(id, JSON.createObjectNode().put("content", t), null, includeUsage)));
        }
        if (calls != null) {
            int index = 0;
            for (Behaviour.ToolCallSpec spec : calls) {
                ObjectNode start = JSON.createObjectNode();
                start.putArray("tool_calls").addObject().put("index", index).put("id", spec.id()).put("type", "function")
                        .putObject("function").put("name", spec.name()).put("arguments", "");
                frames.add(sse(chunk(id, start, null, includeUsage)));
                ObjectNode args = JSON.createObjectNode();
                args.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", spec.argumentsJson());
                frames.add(sse(chunk(id, args, null, includeUsage)));
                index++;
            }
        }
        List<String> tail = new ArrayList<>();
        tail.add(sse(chunk(id, JSON.createObjectNode(), finish, includeUsage)));
        if (includeUsage) {
            ObjectNode u = JSON.createObjectNode();
            u.putArray("choices");
            u.put("created", 1_730_000_000L).put("id", id).put("model", "gpt-4o-2024-08-06").put("object", "chat.completion.chunk");
            u.putNull("system_fingerprint");
            u.set("usage", usage(completion));
            tail.add(sse(u));
        }
        tail.add("data: [DONE]\n\n");
        sentFrames.clear();
        sentFrames.addAll(frames);
        sentFrames.addAll(tail);
        res.setChunked(true).setStatusCode(200).putHeader("content-type", "text/event-stream; charset=utf-8");
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error").put("message", b.inBandErrorMessage == null ? "error" : b.inBandErrorMessage)
                .put("type", "server_error").putNull("param").putNull("code");
        new FrameWriter(vertx, req, rec, frames, tail, b, sse(err)).start();
    }

    private static ObjectNode chunk(String id, ObjectNode delta, String finish, boolean includeUsage) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.set("content_filter_results", "content_filter".equals(finish) ? filterResults(true) : JSON.createObjectNode());
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        choice.put("index", 0);
        choice.putNull("logprobs");
        c.put("created", 1_730_000_000L).put("id", id).put("model", "gpt-4o-2024-08-06").put("object", "chat.completion.chunk");
        c.put("system_fingerprint", "fp_azure");
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode results = JSON.createArrayNode();
        results.addObject().put("prompt_index", 0).set("content_filter_results", filterResults(false));
        return results;
    }

    private static ObjectNode filterResults(boolean violenceFiltered) {
        ObjectNode r = JSON.createObjectNode();
        for (String category : new String[] {"hate", "self_harm", "sexual", "violence"}) {
            boolean filtered = violenceFiltered && category.equals("violence");
            r.putObject(category).put("filtered", filtered).put("severity", filtered ? "medium" : "safe");
        }
        return r;
    }

    private static ObjectNode usage(int completion) {
        ObjectNode u = JSON.createObjectNode();
        u.put("completion_tokens", completion).put("prompt_tokens", PROMPT_TOKENS).put("total_tokens", PROMPT_TOKENS + completion);
        return u;
    }

    private static String sse(JsonNode node) {
        return "data: " + node + "\n\n";
    }

    private static void embed(HttpServerResponse res, Recorded rec, String deployment) {
        JsonNode input = rec.body().path("input");
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else {
            input.forEach(n -> inputs.add(n.asText()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < inputs.size(); i++) {
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (double d : FakeOllama.embeddingFor(inputs.get(i))) {
                vector.add(d);
            }
        }
        out.put("model", "text-embedding-3-small");
        out.putObject("usage").put("prompt_tokens", inputs.size()).put("total_tokens", inputs.size());
        res.setStatusCode(200).putHeader("content-type", "application/json").end(out.toString());
        rec.markCompleted();
    }

    private static void error(HttpServerResponse res, Recorded rec, int status, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        e.put("message", message);
        res.setStatusCode(status).putHeader("content-type", "application/json").end(root.toString());
        rec.markCompleted();
    }
}
