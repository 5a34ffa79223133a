package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.GeminiWire;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.model.ToolChoice;
import dev.gantry.provider.Json;
import dev.gantry.provider.ToolCallIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property-style: many generated conversations (text, images, tool calls and results, system
 * messages anywhere, tools with messy JSON schemas, every tool_choice) are encoded, checked
 * against the Gemini API's request rules, and read back: the same turns in the same order, roles
 * alternating, every result named after its call, every argument object intact.
 */
class GeminiCodecRoundTripTest {

    private static final String[] TEXTS = {"hi", "wörld 🌍", "{\"json\":true}", "line\nbreak", "日本語", "tab\t\"q\""};
    private static final String[] SCHEMAS = {
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}",
        "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"properties\":{\"n\":{\"type\":[\"integer\",\"null\"],\"exclusiveMinimum\":0}}}",
        "{\"type\":\"object\",\"$defs\":{\"p\":{\"type\":\"object\",\"properties\":{\"x\":{\"const\":1}}}},\"properties\":{\"p\":{\"$ref\":\"#/$defs/p\"},\"tags\":{\"type\":\"array\"}}}",
        "{\"type\":\"object\",\"properties\":{\"mode\":{\"enum\":[\"a\",2,null]},\"v\":{\"oneOf\":[{\"type\":\"string\",\"format\":\"uri\"},{\"type\":\"number\"}]}},\"required\":[\"mode\",\"ghost\"]}",
        "{\"type\":\"object\",\"properties\":{}}",
        "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"boolean\"}}},{\"properties\":{\"b\":{\"type\":\"string\",\"minLength\":1}}}]}"
    };

    /** One turn piece in order, as both sides must agree on it. */
    private record Piece(String role, String kind, String value) {}

    @Test
    void generatedConversationsSurviveEncoding() throws Exception {
        for (int seed = 0; seed < 1000; seed++) {
            Random r = new Random(seed);
            ChatRequest request = generate(r);
            String at = "seed " + seed;

            ObjectNode body = GeminiCodec.chatBody(request);
            GeminiWire.checkGenerate(body);

            List<String> system = new ArrayList<>();
            body.path("systemInstruction").path("parts").forEach(p -> system.add(p.path("text").asText()));
            assertThat(system).as(at).isEqualTo(request.messages().stream()
                    .filter(m -> m.role() == Role.SYSTEM).map(Message::joinedText).filter(t -> !t.isEmpty()).toList());

            List<Piece> decoded = new ArrayList<>();
            String previousRole = null;
            for (JsonNode content : body.path("contents")) {
                String role = content.path("role").asText();
                assertThat(role).as(at + ": roles alternate").isNotEqualTo(previousRole);
                previousRole = role;
                for (JsonNode part : content.path("parts")) {
                    decoded.add(piece(role, part));
                }
            }
            assertThat(decoded).as(at).isEqualTo(expected(request));

            JsonNode decls = body.path("tools").path(0).path("functionDeclarations");
            assertThat(decls.size()).as(at).isEqualTo(request.tools().size());
            for (int i = 0; i < decls.size(); i++) {
                assertThat(decls.get(i).path("name").asText()).as(at).isEqualTo(request.tools().get(i).name());
            }
            JsonNode mode = body.path("toolConfig").path("functionCallingConfig").path("mode");
            if (request.toolChoice() == null || request.tools().isEmpty()) {
                assertThat(mode.isMissingNode()).as(at).isTrue();
            } else {
                assertThat(mode.asText()).as(at).isEqualTo(switch (request.toolChoice().mode()) {
                    case AUTO -> "AUTO";
                    case NONE -> "NONE";
                    case REQUIRED, NAMED -> "ANY";
                });
            }
        }
    }

    private static Piece piece(String role, JsonNode part) throws Exception {
        if (part.has("text")) {
            return new Piece(role, "text", part.get("text").asText());
        }
        if (part.has("inlineData")) {
            return new Piece(role, "image", part.path("inlineData").path("mimeType").asText() + ";" + part.path("inlineData").path("data").asText());
        }
        if (part.has("functionCall")) {
            JsonNode fc = part.get("functionCall");
            String signature = part.has("thoughtSignature") ? "|" + part.get("thoughtSignature").asText() : "";
            return new Piece(role, "call", fc.path("id").asText() + "|" + fc.path("name").asText() + "|" + fc.path("args") + signature);
        }
        JsonNode fr = part.get("functionResponse");
        return new Piece(role, "result", fr.path("id").asText() + "|" + fr.path("name").asText() + "|" + fr.path("response").path("output").asText());
    }

    /** The canonical request flattened the way the codec must lay it out. */
    private static List<Piece> expected(ChatRequest request) throws Exception {
        List<Piece> out = new ArrayList<>();
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> { }
                case USER -> {
                    for (ContentPart p : m.parts()) {
                        if (p instanceof ContentPart.Text t && !t.text().isEmpty()) {
                            out.add(new Piece("user", "text", t.text()));
                        } else if (p instanceof ContentPart.Image img) {
                            out.add(new Piece("user", "image", img.mediaType() + ";" + img.base64Data()));
                        }
                    }
                }
                case ASSISTANT -> {
                    if (!m.joinedText().isEmpty()) {
                        out.add(new Piece("model", "text", m.joinedText()));
                    }
                    for (ToolCall c : m.toolCalls()) {
                        names.put(c.id(), c.name());
                        GeminiCallIds.Parsed id = GeminiCallIds.parse(c.id());
                        JsonNode args = Json.MAPPER.readTree(c.argumentsJson());
                        out.add(new Piece("model", "call", id.id() + "|" + c.name() + "|" + args
                                + (id.signature() == null ? "" : "|" + id.signature())));
                    }
                }
                case TOOL -> out.add(new Piece("user", "result", GeminiCallIds.parse(m.toolCallId()).id() + "|"
                        + names.get(m.toolCallId()) + "|" + m.joinedText()));
            }
        }
        return out;
    }

    private static ChatRequest generate(Random r) {
        List<Message> messages = new ArrayList<>();
        List<ToolCall> open = new ArrayList<>();
        int turns = 1 + r.nextInt(8);
        boolean hasContent = false;
        for (int t = 0; t < turns || !hasContent; t++) {
            int kind = r.nextInt(open.isEmpty() ? 4 : 5);
            switch (kind) {
                case 0 -> messages.add(Message.text(Role.SYSTEM, pick(r, TEXTS)));
                case 1, 2 -> {
                    List<ContentPart> parts = new ArrayList<>();
                    parts.add(new ContentPart.Text(pick(r, TEXTS)));
                    if (r.nextInt(4) == 0) {
                        parts.add(new ContentPart.Image(r.nextBoolean() ? "image/png" : "image/jpeg", "iVBORw0KGgo" + r.nextInt(1000), null, null));
                    }
                    messages.add(new Message(Role.USER, parts, null, null, null));
                    hasContent = true;
                }
                case 3 -> {
                    List<ToolCall> calls = new ArrayList<>();
                    int n = r.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        String id = r.nextBoolean() ? ToolCallIds.synthesise()
                                : GeminiCallIds.forCall(null, "sig+" + r.nextInt() + "/=");
                        calls.add(new ToolCall(id, "fn_" + r.nextInt(5), "{\"city\":\"" + pick(r, TEXTS).replace("\"", "'").replace("\n", " ")
                                .replace("\t", " ") + "\",\"n\":" + r.nextInt(100) + "}"));
                    }
                    String text = n > 0 && r.nextBoolean() ? "" : pick(r, TEXTS);
                    messages.add(new Message(Role.ASSISTANT, text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), calls, null, null));
                    open.addAll(calls);
                    hasContent |= !text.isEmpty() || n > 0;
                }
                default -> {
                    ToolCall answered = open.remove(r.nextInt(open.size()));
                    messages.add(new Message(Role.TOOL, List.of(new ContentPart.Text(pick(r, TEXTS))), null, answered.id(), null));
                    hasContent = true;
                }
            }
        }
        List<Tool> tools = new ArrayList<>();
        int toolCount = r.nextInt(4);
        for (int i = 0; i < toolCount; i++) {
            try {
                tools.add(new Tool("tool_" + i, r.nextBoolean() ? "does " + i : null, Json.MAPPER.readTree(pick(r, SCHEMAS))));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        ToolChoice choice = switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> ToolChoice.AUTO;
            case 2 -> new ToolChoice(ToolChoice.Mode.NONE, null);
            case 3 -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
            default -> tools.isEmpty() ? null : new ToolChoice(ToolChoice.Mode.NAMED, tools.get(r.nextInt(tools.size())).name());
        };
        return new ChatRequest("gx", messages, r.nextBoolean(), false, r.nextBoolean() ? 1 + r.nextInt(4096) : null,
                r.nextBoolean() ? r.nextDouble() * 2 : null, null, null, List.of(), tools, choice, null, null);
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }
}
