package dev.gantry.surface.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Usage;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates a canonical stream into one Messages response object for non-streaming clients. The
 * blocks come from the same {@link BlockSequencer} as the stream, so both forms hold the same
 * content in the same order.
 */
final class AnthropicMessageCollector implements ChunkSink, BlockSequencer.Blocks {

    private static final Logger log = LoggerFactory.getLogger(AnthropicMessageCollector.class);

    private static final class Block {
        final String type;
        final StringBuilder text = new StringBuilder();
        String id;
        String name;

        Block(String type) {
            this.type = type;
        }
    }

    private final HttpServerResponse response;
    private final Exchange exchange;
    private final String model;
    private final long estimatedInput;
    private final Consumer<Usage> usageListener;
    private final BlockSequencer sequencer;
    private final List<Block> content = new ArrayList<>();
    private FinishReason finish;
    private Usage usage;

    AnthropicMessageCollector(HttpServerResponse response, Exchange exchange, String model, boolean showThinking,
                              long estimatedInput, Consumer<Usage> usageListener) {
        this.response = response;
        this.exchange = exchange;
        this.model = model;
        this.estimatedInput = estimatedInput;
        this.usageListener = usageListener;
        this.sequencer = new BlockSequencer(this, showThinking);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finish() != null && finish == null) {
            finish = chunk.finish();
        }
        sequencer.accept(chunk);
    }

    @Override
    public void onEnd() {
        sequencer.finish();
        if (finish == FinishReason.ERROR && content.isEmpty()) {
            onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream model failed to produce an answer."));
            return;
        }
        Usage u = usage == null ? new Usage(estimatedInput, 0, true) : usage;
        usageListener.accept(u);
        if (response.closed() || response.ended()) {
            return;
        }
        response.putHeader("content-type", "application/json").end(render(u));
    }

    @Override
    public void onError(GatewayError error) {
        if (usage != null) {
            usageListener.accept(usage);
        }
        AnthropicErrors.send(response, error, exchange.requestId());
    }

    private Buffer render(Usage u) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            AnthropicJson.messageHead(g, AnthropicJson.messageId(), model);
            g.writeArrayFieldStart("content");
            for (Block b : content) {
                g.writeStartObject();
                g.writeStringField("type", b.type);
                switch (b.type) {
                    case "text" -> g.writeStringField("text", b.text.toString());
                    case "thinking" -> {
                        g.writeStringField("thinking", b.text.toString());
                        g.writeStringField("signature", "");
                    }
                    default -> {
                        g.writeStringField("id", b.id);
                        g.writeStringField("name", b.name);
                        g.writeFieldName("input");
                        g.writeTree(input(b));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("stop_reason", sequencer.stopReason(finish));
            g.writeNullField("stop_sequence");
            g.writeFieldName("usage");
            AnthropicJson.usage(g, u.inputTokens(), u.outputTokens());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** Arguments as an object; none or invalid JSON becomes {@code {}} (PROTOCOLS.md section 5.6), logged. */
    private JsonNode input(Block b) {
        if (b.text.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(b.text.toString());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException ignored) {
            // fall through
        }
        log.warn("Tool call {} to {} had arguments that are not a JSON object; answering {{}} instead", b.id, b.name);
        return Json.MAPPER.createObjectNode();
    }

    @Override
    public void startText(int index) {
        content.add(new Block("text"));
    }

    @Override
    public void startThinking(int index) {
        content.add(new Block("thinking"));
    }

    @Override
    public void startToolUse(int index, String id, String name) {
        Block b = new Block("tool_use");
        b.id = id;
        b.name = name;
        content.add(b);
    }

    @Override
    public void textDelta(int index, String text) {
        content.get(index).text.append(text);
    }

    @Override
    public void thinkingDelta(int index, String thinking) {
        content.get(index).text.append(thinking);
    }

    @Override
    public void inputJsonDelta(int index, String partialJson) {
        content.get(index).text.append(partialJson);
    }

    @Override
    public void stop(int index) {
        // blocks are complete as they are
    }
}
