package dev.gantry.surface.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;

/** Aggregates a canonical stream into one {@code chat.completion} object for non-streaming clients. */
final class OpenAiResponseCollector implements ChunkSink {

    private final HttpServerResponse response;
    private final String model;
    private final OpenAiStreamWriter.UsageListener usageListener;
    private final StringBuilder text = new StringBuilder();
    private StringBuilder reasoning;
    private final TreeMap<Integer, CallBuilder> calls = new TreeMap<>();
    private FinishReason finish;
    private Usage usage;

    private static final class CallBuilder {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    OpenAiResponseCollector(HttpServerResponse response, String model, OpenAiStreamWriter.UsageListener usageListener) {
        this.response = response;
        this.model = model;
        this.usageListener = usageListener;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.text() != null) {
            text.append(chunk.text());
        }
        if (chunk.reasoning() != null) {
            if (reasoning == null) {
                reasoning = new StringBuilder();
            }
            reasoning.append(chunk.reasoning());
        }
        for (ToolCallDelta d : chunk.toolCalls()) {
            CallBuilder call = calls.computeIfAbsent(d.index(), i -> new CallBuilder());
            if (d.id() != null) {
                call.id = d.id();
            }
            if (d.name() != null) {
                call.name = d.name();
            }
            if (d.argumentsFragment() != null) {
                call.arguments.append(d.argumentsFragment());
            }
        }
        if (chunk.finish() != null) {
            finish = chunk.finish();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
    }

    @Override
    public void onEnd() {
        Usage u = usage == null ? Usage.NONE : usage;
        usageListener.onUsage(u);
        if (response.closed() || response.ended()) {
            return;
        }
        response.putHeader("content-type", "application/json").end(render(u));
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.onUsage(usage);
        }
        OpenAiErrors.send(response, error);
    }

    private Buffer render(Usage u) {
        ByteArrayBuilder out = new ByteArrayBuilder(512 + text.length());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", OpenAiJson.completionId());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", System.currentTimeMillis() / 1000);
            g.writeStringField("model", model);
            g.writeNullField("system_fingerprint");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (text.isEmpty() && !calls.isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", text.toString());
            }
            if (reasoning != null) {
                g.writeStringField("reasoning_content", reasoning.toString());
            }
            g.writeNullField("refusal");
            if (!calls.isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (CallBuilder c : calls.values()) {
                    g.writeStartObject();
                    g.writeStringField("id", c.id);
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name == null ? "" : c.name);
                    g.writeStringField("arguments", c.arguments.isEmpty() ? "{}" : c.arguments.toString());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", ChunkEncoder.finishName(finish == null ? FinishReason.STOP : finish));
            g.writeEndObject();
            g.writeEndArray();
            g.writeFieldName("usage");
            OpenAiJson.usage(g, u);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

}
