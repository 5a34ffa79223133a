package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.ResponseFormat;
import dev.gantry.model.Tool;
import dev.gantry.surface.http.Fields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request settings {@code /api/chat} and {@code /api/generate} share: {@code stream}
 * (default true), {@code format}, {@code options}, {@code think}, {@code keep_alive}. What another
 * provider can honour becomes canonical (PROTOCOLS.md 5.3/5.4/5.7); what only tunes an Ollama node
 * (top_k, num_ctx, keep_alive, repeat_penalty...) is dropped, as section 5.11 says, because the
 * canonical request only ever goes to providers that are not Ollama.
 */
final class OllamaOptions {

    private OllamaOptions() {}

    static boolean stream(ObjectNode body) {
        Boolean stream = Fields.optionalBoolean(body, "stream", "stream");
        return stream == null || stream;
    }

    static ChatRequest request(ObjectNode body, String publicModel, List<Message> messages, List<Tool> tools) {
        boolean stream = stream(body);
        keepAlive(body);
        Map<String, JsonNode> extra = new HashMap<>();
        JsonNode options = Fields.optionalObject(body, "options", "options");
        Integer maxTokens = null;
        Double temperature = null;
        Double topP = null;
        Long seed = null;
        List<String> stop = List.of();
        if (options != null) {
            Long numPredict = whole(options, "num_predict");
            // -1 = unlimited, -2 = fill the context: no limit either way
            maxTokens = numPredict == null || numPredict <= 0 ? null : (int) Math.min(numPredict, Integer.MAX_VALUE);
            temperature = Fields.optionalNumber(options, "temperature", "options.temperature", 0, 100);
            topP = Fields.optionalNumber(options, "top_p", "options.top_p", 0, 1);
            seed = whole(options, "seed");
            stop = stop(options);
            for (String penalty : new String[] {"presence_penalty", "frequency_penalty"}) {
                Double v = Fields.optionalNumber(options, penalty, "options." + penalty, -Double.MAX_VALUE, Double.MAX_VALUE);
                if (v != null) {
                    extra.put(penalty, JsonNodeFactory.instance.numberNode(v));
                }
            }
        }
        Boolean logprobs = Fields.optionalBoolean(body, "logprobs", "logprobs");
        if (Boolean.TRUE.equals(logprobs)) {
            extra.put("logprobs", body.get("logprobs"));
            Long top = Fields.optionalInteger(body, "top_logprobs", "top_logprobs", 0, 20);
            if (top != null) {
                extra.put("top_logprobs", body.get("top_logprobs"));
            }
        }
        String effort = thinkEffort(body);
        if (effort != null) {
            extra.put("reasoning_effort", JsonNodeFactory.instance.textNode(effort));
        }
        return new ChatRequest(publicModel, messages, stream, false, maxTokens, temperature, topP, seed, stop,
                tools, null, format(body), extra);
    }

    /** An integer option. Ollama reads options as JSON numbers and truncates, so {@code 128.0} is 128 there too. */
    private static Long whole(JsonNode options, String field) {
        JsonNode n = options.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !n.canConvertToLong()) {
            throw Fields.wrongType("options." + field, "an integer", n);
        }
        return n.asLong();
    }

    private static List<String> stop(JsonNode options) {
        JsonNode stop = options.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw Fields.wrongType("options.stop", "an array of strings", stop);
        }
        List<String> out = new ArrayList<>(stop.size());
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw Fields.wrongType("options.stop[" + i + "]", "a string", stop.get(i));
            }
            out.add(stop.get(i).asText());
        }
        return out;
    }

    /** {@code "json"} → any JSON object; an object → that JSON Schema; {@code ""} → plain text. */
    static ResponseFormat format(ObjectNode body) {
        JsonNode format = body.get("format");
        if (format == null || format.isNull() || (format.isTextual() && format.asText().isEmpty())) {
            return null;
        }
        if (format.isTextual()) {
            if (format.asText().equals("json")) {
                return new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null);
            }
            throw GatewayError.badRequest("'format' must be \"json\" or a JSON Schema object, got \""
                    + GatewayError.quote(format.asText()) + "\".", "format");
        }
        if (!format.isObject()) {
            throw Fields.wrongType("format", "\"json\" or a JSON Schema object", format);
        }
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, format);
    }

    /** A {@code think} level maps to OpenAI-style reasoning effort; {@code true}/{@code false} leave the model's default. */
    private static String thinkEffort(ObjectNode body) {
        JsonNode think = body.get("think");
        if (think == null || think.isNull() || think.isBoolean()) {
            return null;
        }
        if (!think.isTextual()) {
            throw Fields.wrongType("think", "a boolean or one of \"low\", \"medium\", \"high\"", think);
        }
        return switch (think.asText().toLowerCase(Locale.ROOT)) {
            case "low" -> "low";
            case "medium" -> "medium";
            case "high", "max" -> "high";
            default -> throw GatewayError.badRequest("'think' must be true, false, \"low\", \"medium\" or \"high\".", "think");
        };
    }

    /** Validates {@code keep_alive} ("5m", "1h30m", seconds, negative = forever) without using it. */
    private static void keepAlive(ObjectNode body) {
        JsonNode k = body.get("keep_alive");
        if (k != null && !k.isNull() && !k.isNumber() && !k.isTextual()) {
            throw Fields.wrongType("keep_alive", "a duration like \"5m\" or a number of seconds", k);
        }
    }

    /** True for {@code keep_alive: 0} (or "0", "0s"...): an empty request then asks to unload the model. */
    static boolean unloads(ObjectNode body) {
        JsonNode k = body.get("keep_alive");
        if (k == null || k.isNull()) {
            return false;
        }
        if (k.isNumber()) {
            return k.asDouble() == 0;
        }
        String s = k.asText().trim();
        return !s.isEmpty() && s.chars().allMatch(c -> c == '0' || c == '.' || "hmsµun".indexOf(c) >= 0) && s.charAt(0) == '0';
    }
}
