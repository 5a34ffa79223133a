package dev.gantry.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.fake.AnthropicRequestCheck;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.model.ToolCall;
import dev.gantry.model.ToolChoice;
import dev.gantry.provider.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated canonical conversations (systems anywhere, empty texts, images, parallel calls with
 * awkward ids, broken arguments, consecutive turns of one role) go through the codec; every body
 * must pass the fake's wire rules and keep what the conversation said, in order.
 */
class AnthropicCodecPropertyTest {

    private static final String ID_CHARS = "abcXYZ019_-.:/ ";
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    /** What a generated request should turn into. */
    private static final class Expected {
        final List<String> texts = new ArrayList<>();
        final List<String> system = new ArrayList<>();
        final List<ToolCall> calls = new ArrayList<>();
        final List<String> resultIds = new ArrayList<>();
        int images;
    }

    @Test
    void everyGeneratedRequestBecomesAValidMessagesBodyThatKeepsItsContent() {
        for (int seed = 0; seed < 1000; seed++) {
            Random r = new Random(seed);
            Expected expected = new Expected();
            List<Message> messages = conversation(r, expected);
            List<Tool> tools = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                tools.add(new Tool("tool_" + i, r.nextBoolean() ? "does " + i : null,
                        r.nextBoolean() ? null : Json.MAPPER.createObjectNode().put("type", "object")));
            }
            ToolChoice choice = switch (r.nextInt(5)) {
                case 0 -> null;
                case 1 -> ToolChoice.AUTO;
                case 2 -> new ToolChoice(ToolChoice.Mode.NONE, null);
                case 3 -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
                default -> tools.isEmpty() ? null : new ToolChoice(ToolChoice.Mode.NAMED, tools.get(0).name());
            };
            Integer max = r.nextBoolean() ? null : 1 + r.nextInt(10_000);
            Integer configured = r.nextBoolean() ? null : 1 + r.nextInt(10_000);
            Double temperature = r.nextBoolean() ? null : r.nextInt(21) / 10.0;
            Double topP = r.nextBoolean() ? null : r.nextInt(11) / 10.0;
            List<String> stop = new ArrayList<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                stop.add("s" + r.nextInt(100));
            }
            ChatRequest request = new ChatRequest("public", messages, r.nextBoolean(), false, max, temperature, topP,
                    r.nextBoolean() ? null : r.nextLong(), stop, tools, choice, null, null);

            ObjectNode body = AnthropicCodec.chatBody(request, "claude-x", configured);

            String at = "seed " + seed + ": " + body;
            assertThat(AnthropicRequestCheck.problem(body)).as(at).isNull();
            assertThat(body.path("model").asText()).isEqualTo("claude-x");
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("max_tokens").asInt()).as(at).isEqualTo(max != null ? max : configured != null ? configured : 4096);
            assertThat(body.has("temperature") ? body.get("temperature").asDouble() : null).as(at)
                    .isEqualTo(temperature == null ? null : Math.min(1.0, temperature));
            assertThat(body.has("top_p") ? body.get("top_p").asDouble() : null).isEqualTo(topP);
            assertThat(texts(body.path("stop_sequences"))).isEqualTo(stop);
            assertThat(body.has("system") ? body.get("system").asText() : null).as(at)
                    .isEqualTo(expected.system.isEmpty() ? null : String.join("\n\n", expected.system));
            assertThat(body.has("seed")).isFalse();

            List<String> texts = new ArrayList<>();
            List<ToolCall> calls = new ArrayList<>();
            List<String> resultIds = new ArrayList<>();
            int images = 0;
            for (JsonNode m : body.path("messages")) {
                for (JsonNode block : m.path("content")) {
                    switch (block.path("type").asText()) {
                        case "text" -> texts.add(block.path("text").asText());
                        case "image" -> images++;
                        case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                                block.path("input").toString()));
                        case "tool_result" -> resultIds.add(block.path("tool_use_id").asText());
                        default -> throw new AssertionError("unexpected block " + block);
                    }
                }
            }
            assertThat(texts).as(at).isEqualTo(expected.texts);
            assertThat(images).as(at).isEqualTo(expected.images);
            assertThat(calls).as(at).isEqualTo(expected.calls);
            assertThat(resultIds).as(at).isEqualTo(expected.resultIds);

            if (tools.isEmpty()) {
                assertThat(body.has("tools")).isFalse();
                assertThat(body.has("tool_choice")).isFalse();
            } else {
                assertThat(body.path("tools").findValuesAsText("name")).isEqualTo(tools.stream().map(Tool::name).toList());
                String expectedChoice = choice == null ? null : switch (choice.mode()) {
                    case AUTO -> "auto";
                    case NONE -> "none";
                    case REQUIRED -> "any";
                    case NAMED -> "tool";
                };
                assertThat(body.has("tool_choice") ? body.get("tool_choice").path("type").asText() : null).isEqualTo(expectedChoice);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Message> conversation(Random r, Expected expected) {
        List<Message> messages = new ArrayList<>();
        int rounds = 1 + r.nextInt(6);
        int callNo = 0;
        for (int round = 0; round < rounds; round++) {
            if (r.nextInt(5) == 0) {
                String text = r.nextInt(4) == 0 ? "" : "rule " + round;
                messages.add(Message.text(Role.SYSTEM, text));
                if (!text.isEmpty()) {
                    expected.system.add(text);
                }
            }
            int users = r.nextInt(6) == 0 ? 2 : 1;
            for (int u = 0; u < users; u++) {
                List<ContentPart> parts = new ArrayList<>();
                for (int p = 1 + r.nextInt(3); p > 0; p--) {
                    if (r.nextInt(6) == 0) {
                        parts.add(r.nextBoolean() ? new ContentPart.Image(null, PNG, null, "auto")
                                : new ContentPart.Image(null, null, "https://example.com/" + round + ".png", null));
                        expected.images++;
                    } else {
                        boolean mustHaveText = round == 0 && u == 0 && parts.isEmpty();
                        String text = !mustHaveText && r.nextInt(4) == 0 ? "" : "user " + round + "." + u + "." + p + " ü🌍";
                        parts.add(new ContentPart.Text(text));
                        if (!text.isEmpty()) {
                            expected.texts.add(text);
                        }
                    }
                }
                messages.add(new Message(Role.USER, parts, List.of(), null, null));
            }
            if (round == rounds - 1 && r.nextBoolean()) {
                break; // the conversation ends with the user's turn
            }
            String text = r.nextInt(3) == 0 ? "" : "assistant " + round;
            if (!text.isEmpty()) {
                expected.texts.add(text);
            }
            List<ToolCall> calls = new ArrayList<>();
            if (r.nextInt(5) < 2) {
                for (int c = 1 + r.nextInt(3); c > 0; c--) {
                    String id = randomId(r, callNo++);
                    boolean broken = r.nextInt(8) == 0;
                    String args = broken ? "{\"city\":" : "{\"city\":\"c" + c + "\",\"n\":" + r.nextInt(100) + "}";
                    calls.add(new ToolCall(id, "tool_" + c, args));
                    expected.calls.add(new ToolCall(AnthropicCodec.toolId(id), "tool_" + c, broken ? "{}" : args));
                }
            }
            messages.add(new Message(Role.ASSISTANT, text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), calls, null, null));
            for (ToolCall call : calls) {
                String result = r.nextInt(4) == 0 ? "" : "result of " + call.id();
                messages.add(new Message(Role.TOOL, List.of(new ContentPart.Text(result)), List.of(), call.id(), null));
                expected.resultIds.add(AnthropicCodec.toolId(call.id()));
            }
        }
        return messages;
    }

    private static String randomId(Random r, int n) {
        StringBuilder sb = new StringBuilder(r.nextBoolean() ? "toolu_" : "call_");
        for (int i = 4 + r.nextInt(8); i > 0; i--) {
            sb.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
        }
        return sb.append(n).toString();
    }
}
