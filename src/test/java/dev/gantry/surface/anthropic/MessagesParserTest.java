package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.ToolChoice;
import dev.gantry.provider.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesParserTest {

    private static ObjectNode body(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static AnthropicRequest parse(String json) {
        return MessagesParser.parse(body(json), false);
    }

    @Test
    void fieldsWithoutACanonicalSlotAreKeptInExtra() {
        AnthropicRequest r = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],
                 "top_k":5,"metadata":{"user_id":"u1"},"thinking":{"type":"enabled","budget_tokens":2048},
                 "service_tier":"auto","brand_new_field":[1,2]}""");

        assertThat(r.chat().extra()).containsOnlyKeys("top_k", "metadata", "thinking", "service_tier", "brand_new_field");
        assertThat(r.chat().extra().get("thinking").path("budget_tokens").asInt()).isEqualTo(2048);
        assertThat(r.thinking()).isTrue();
        assertThat(r.chat().maxTokens()).isEqualTo(10);
        assertThat(r.chat().stream()).isFalse();
    }

    @Test
    void toolChoiceTypesMapToCanonicalModes() {
        String base = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":";
        assertThat(parse(base + "{\"type\":\"auto\"}}").chat().toolChoice()).isEqualTo(ToolChoice.AUTO);
        assertThat(parse(base + "{\"type\":\"any\"}}").chat().toolChoice().mode()).isEqualTo(ToolChoice.Mode.REQUIRED);
        assertThat(parse(base + "{\"type\":\"none\"}}").chat().toolChoice().mode()).isEqualTo(ToolChoice.Mode.NONE);
        ToolChoice named = parse(base + "{\"type\":\"tool\",\"name\":\"f\"}}").chat().toolChoice();
        assertThat(named).isEqualTo(new ToolChoice(ToolChoice.Mode.NAMED, "f"));
        assertThatThrownBy(() -> parse(base + "{\"type\":\"tool\"}}")).isInstanceOf(GatewayError.class)
                .hasMessageContaining("tool_choice.name");
        assertThatThrownBy(() -> parse(base + "{\"type\":\"sometimes\"}}")).isInstanceOf(GatewayError.class)
                .hasMessageContaining("tool_choice.type");
        assertThat(parse(base + "{\"type\":\"auto\"}}").chat().extra()).doesNotContainKey("parallel_tool_calls");
    }

    @Test
    void aUserMessageWithToolResultsSplitsIntoToolMessagesThenTheRest() {
        AnthropicRequest r = parse("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"a","input":{"x":1}},
                                                 {"type":"tool_use","id":"toolu_2","name":"b","input":{}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","content":"one"},
                    {"type":"tool_result","tool_use_id":"toolu_2","is_error":true,
                     "content":[{"type":"text","text":"two "},{"type":"text","text":"parts"}]},
                    {"type":"text","text":"go on"}]}]}""");

        List<Message> m = r.chat().messages();
        assertThat(m).extracting(Message::role).containsExactly(Role.ASSISTANT, Role.TOOL, Role.TOOL, Role.USER);
        assertThat(m.get(0).toolCalls()).extracting(c -> c.id() + ":" + c.name() + ":" + c.argumentsJson())
                .containsExactly("toolu_1:a:{\"x\":1}", "toolu_2:b:{}");
        assertThat(m.get(1).toolCallId()).isEqualTo("toolu_1");
        assertThat(m.get(1).joinedText()).isEqualTo("one");
        assertThat(m.get(2).toolCallId()).isEqualTo("toolu_2");
        assertThat(m.get(2).joinedText()).isEqualTo("two parts");
        assertThat(m.get(3).joinedText()).isEqualTo("go on");
        assertThat(r.anthropicOnly()).isEmpty();
    }

    @Test
    void thinkingBlocksInHistoryAreLeftOutAndAThinkingOnlyTurnDisappears() {
        AnthropicRequest r = parse("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"user","content":"q"},
                  {"role":"assistant","content":[{"type":"redacted_thinking","data":"xyz"}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"text","text":"a"}]},
                  {"role":"user","content":"q2"}]}""");

        assertThat(r.chat().messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(r.chat().messages().get(1).parts()).containsExactly(new ContentPart.Text("a"));
        assertThat(r.thinking()).isFalse();
    }

    @Test
    void whatHasNoCanonicalFormIsNotedAsAnthropicOnly() {
        AnthropicRequest r = parse("""
                {"model":"m","max_tokens":10,
                 "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3},
                          {"name":"f","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":[
                   {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBER"}},
                   {"type":"image","source":{"type":"file","file_id":"file_1"}},
                   {"type":"text","text":"summarise"}]}]}""");

        assertThat(r.anthropicOnly()).hasSize(3);
        assertThat(String.join(" ", r.anthropicOnly())).contains("web_search_20250305").contains("document").contains("file");
        assertThat(r.chat().tools()).extracting(t -> t.name()).containsExactly("f");
        assertThat(r.chat().messages().get(0).parts()).containsExactly(new ContentPart.Text("summarise"));
    }

    @Test
    void imagesKeepTheirSourceForm() {
        AnthropicRequest r = parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                   {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}},
                   {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]}""");

        assertThat(r.chat().messages().get(0).parts()).containsExactly(
                new ContentPart.Image("image/jpeg", "AAAA", null, null),
                new ContentPart.Image(null, null, "https://example.com/a.png", null));
        assertThatThrownBy(() -> parse("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                   {"type":"image","source":{"type":"base64","media_type":"application/pdf","data":"AAAA"}}]}]}"""))
                .isInstanceOf(GatewayError.class).hasMessageContaining("media_type");
    }

    @Test
    void countingNeedsNoMaxTokensAndNeverStreams() {
        AnthropicRequest r = MessagesParser.parse(body("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), true);

        assertThat(r.chat().maxTokens()).isNull();
        assertThat(r.chat().stream()).isFalse();
        assertThatThrownBy(() -> parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .isInstanceOf(GatewayError.class).hasMessageContaining("'max_tokens' is required");
    }

    @Test
    void typeErrorsInKeptFieldsAreCaughtHere() {
        String base = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],";
        assertThatThrownBy(() -> parse(base + "\"top_k\":\"five\"}")).hasMessageContaining("'top_k' must be an integer");
        assertThatThrownBy(() -> parse(base + "\"metadata\":{\"user_id\":7}}")).hasMessageContaining("'metadata.user_id' must be a string");
        assertThatThrownBy(() -> parse(base + "\"thinking\":{\"type\":\"enabled\"}}")).hasMessageContaining("thinking.budget_tokens");
        assertThatThrownBy(() -> parse(base + "\"stop_sequences\":[\"a\",3]}")).hasMessageContaining("'stop_sequences[1]' must be a string");
        assertThatThrownBy(() -> parse(base + "\"system\":[{\"type\":\"image\"}]}")).hasMessageContaining("system[0].type");
        assertThatThrownBy(() -> parse(base + "\"tools\":[{\"name\":\"bad name\",\"input_schema\":{}}]}"))
                .hasMessageContaining("tools[0].name");
    }
}
