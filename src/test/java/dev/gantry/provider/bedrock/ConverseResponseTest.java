package dev.gantry.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ChatChunk;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import org.junit.jupiter.api.Test;

class ConverseResponseTest {

    private static ChatChunk decode(String json, boolean jsonTool) throws Exception {
        return ConverseResponse.decode(Json.MAPPER.readTree(json), jsonTool);
    }

    @Test
    void aWholeAnswerBecomesOneChunkWithTextCallsFinishAndUsage() throws Exception {
        ChatChunk c = decode("""
                {"output":{"message":{"role":"assistant","content":[{"text":"Let me "},{"text":"check."},
                  {"toolUse":{"toolUseId":"tooluse_1","name":"f","input":{"x":1}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":7,"totalTokens":17},"metrics":{"latencyMs":3}}
                """, false);

        assertThat(c.text()).isEqualTo("Let me check.");
        assertThat(c.toolCalls()).containsExactly(new ToolCallDelta(0, "tooluse_1", "f", "{\"x\":1}"));
        assertThat(c.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(c.usage()).isEqualTo(new Usage(10, 7, false));
    }

    @Test
    void theEmulatedJsonToolIsUnwrappedIntoText() throws Exception {
        ChatChunk c = decode("""
                {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"json_response","input":{"a":[1,2]}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1}}
                """, true);

        assertThat(c.text()).isEqualTo("{\"a\":[1,2]}");
        assertThat(c.toolCalls()).isEmpty();
        assertThat(c.finish()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void anAnswerWithoutContentIsAnUpstreamError() {
        assertThatThrownBy(() -> decode("{\"stopReason\":\"end_turn\"}", false)).isInstanceOf(GatewayError.class);
    }
}
