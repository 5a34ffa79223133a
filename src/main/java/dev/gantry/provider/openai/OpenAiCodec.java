package dev.gantry.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.ResponseFormat;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.provider.Json;
import java.util.Locale;
import java.util.Map;

/** Canonical request → OpenAI Chat Completions body, for any OpenAI-compatible upstream. */
final class OpenAiCodec {

    private OpenAiCodec() {}

    static ObjectNode chatBody(ChatRequest request, String upstreamModel, boolean officialOpenAi) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        // Unknown client fields go first so the modelled ones below always win. OpenAI's own API
        // (and Azure's) refuses fields it does not know, so those from other APIs are dropped there.
        for (Map.Entry<String, JsonNode> e : request.extra().entrySet()) {
            if (!officialOpenAi || ForeignFields.acceptedByOpenAi(e.getKey(), e.getValue(), request.extra())) {
                body.set(e.getKey(), e.getValue());
            }
        }
        body.put("model", upstreamModel);
        ArrayNode messages = body.putArray("messages");
        for (Message m : request.messages()) {
            messages.add(message(m));
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (request.maxTokens() != null) {
            // api.openai.com's reasoning models accept only the new name; most compatible servers only the old.
            body.put(officialOpenAi ? "max_completion_tokens" : "max_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.seed() != null) {
            body.put("seed", request.seed());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", tool.name());
                if (tool.description() != null) {
                    fn.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    fn.set("parameters", tool.parameters());
                }
            }
        }
        if (request.toolChoice() != null) {
            switch (request.toolChoice().mode()) {
                case AUTO -> body.put("tool_choice", "auto");
                case NONE -> body.put("tool_choice", "none");
                case REQUIRED -> body.put("tool_choice", "required");
                case NAMED -> body.putObject("tool_choice").put("type", "function")
                        .putObject("function").put("name", request.toolChoice().functionName());
            }
        }
        ResponseFormat format = request.responseFormat();
        if (format != null) {
            ObjectNode rf = body.putObject("response_format");
            switch (format.type()) {
                case TEXT -> rf.put("type", "text");
                case JSON_OBJECT -> rf.put("type", "json_object");
                case JSON_SCHEMA -> {
                    rf.put("type", "json_schema");
                    ObjectNode js = rf.putObject("json_schema");
                    js.put("name", format.schemaName() == null ? "response" : format.schemaName());
                    js.set("schema", format.schema());
                }
            }
        }
        return body;
    }

    private static ObjectNode message(Message m) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("role", m.role().name().toLowerCase(Locale.ROOT));
        if (m.name() != null) {
            out.put("name", m.name());
        }
        boolean onlyText = m.parts().stream().allMatch(p -> p instanceof ContentPart.Text);
        if (m.parts().isEmpty()) {
            out.putNull("content");
        } else if (onlyText) {
            out.put("content", m.joinedText());
        } else {
            ArrayNode parts = out.putArray("content");
            for (ContentPart part : m.parts()) {
                if (part instanceof ContentPart.Text t) {
                    parts.addObject().put("type", "text").put("text", t.text());
                } else if (part instanceof ContentPart.Image img) {
                    String url = img.isInline()
                            ? "data:" + (img.mediaType() == null ? "image/png" : img.mediaType()) + ";base64," + img.base64Data()
                            : img.url();
                    ObjectNode iu = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                    if (img.detail() != null) {
                        iu.put("detail", img.detail());
                    }
                }
            }
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function")
                        .putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
            }
        }
        if (m.toolCallId() != null) {
            out.put("tool_call_id", m.toolCallId());
        }
        return out;
    }
}
