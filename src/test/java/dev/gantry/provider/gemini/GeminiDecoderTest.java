package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.GantryConfig;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.FinishReason;
import dev.gantry.model.GatewayError;
import dev.gantry.model.ToolCallDelta;
import dev.gantry.model.Usage;
import dev.gantry.provider.Json;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import org.junit.jupiter.api.Test;

class GeminiDecoderTest {

    static final Deployment DEPLOYMENT = new Deployment("gemini@127.0.0.1:1/gemini-x", "gx", ProviderType.GEMINI,
            "http://127.0.0.1:1/v1beta", "gemini-x", "test-gemini-key", 1, false, GantryConfig.Price.FREE);

    private final GeminiDecoder decoder = new GeminiDecoder(DEPLOYMENT);

    private ChatChunk decode(String json) {
        try {
            return decoder.decode(Json.MAPPER.readTree(json));
        } catch (GatewayError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String parts(String parts, String finish, String usage) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":" + parts + "}"
                + (finish == null ? "" : ",\"finishReason\":\"" + finish + "\"") + ",\"index\":0}]"
                + (usage == null ? "" : ",\"usageMetadata\":" + usage) + ",\"modelVersion\":\"gemini-x\"}";
    }

    @Test
    void textPartsBecomeTextAndThoughtPartsReasoning() {
        ChatChunk chunk = decode(parts("[{\"text\":\"Let me think\",\"thought\":true},{\"text\":\"Hel\"},{\"text\":\"lo\"}]", null, null));
        assertThat(chunk.text()).isEqualTo("Hello");
        assertThat(chunk.reasoning()).isEqualTo("Let me think");
        assertThat(chunk.finish()).isNull();
        assertThat(decoder.isComplete()).isFalse();
    }

    @Test
    void functionCallsArriveWholeWithSynthesisedIdsNumberedAcrossChunks() {
        ChatChunk first = decode(parts("[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Oslo\"}}}]", null, null));
        ChatChunk second = decode(parts("[{\"functionCall\":{\"id\":\"g-7\",\"name\":\"get_time\"}}]", "STOP", null));

        ToolCallDelta a = first.toolCalls().get(0);
        assertThat(a.index()).isEqualTo(0);
        assertThat(a.id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(a.name()).isEqualTo("get_weather");
        assertThat(a.argumentsFragment()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(second.toolCalls()).containsExactly(new ToolCallDelta(1, "g-7", "get_time", "{}"));
        assertThat(second.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(decoder.isComplete()).isTrue();
    }

    @Test
    void aThoughtSignatureIsCarriedInTheCallId() {
        ChatChunk chunk = decode(parts("[{\"functionCall\":{\"name\":\"f\",\"args\":{}},\"thoughtSignature\":\"CiQB/opaque==\"}]", "STOP", null));
        GeminiCallIds.Parsed parsed = GeminiCallIds.parse(chunk.toolCalls().get(0).id());
        assertThat(parsed.signature()).isEqualTo("CiQB/opaque==");
        assertThat(parsed.id()).matches("call_[A-Za-z0-9]{24}");
    }

    @Test
    void finishReasonsMapPerTheTable() {
        assertThat(finishOf("STOP")).isEqualTo(FinishReason.STOP);
        assertThat(finishOf("MAX_TOKENS")).isEqualTo(FinishReason.LENGTH);
        assertThat(finishOf("SAFETY")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(finishOf("RECITATION")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(finishOf("PROHIBITED_CONTENT")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(finishOf("IMAGE_SAFETY")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(finishOf("LANGUAGE")).isEqualTo(FinishReason.STOP);
        assertThat(finishOf("SOMETHING_NEW")).isEqualTo(FinishReason.STOP);
        assertThat(finishOf("MALFORMED_FUNCTION_CALL")).isEqualTo(FinishReason.ERROR);
    }

    private static FinishReason finishOf(String reason) {
        GeminiDecoder d = new GeminiDecoder(DEPLOYMENT);
        try {
            d.decode(Json.MAPPER.readTree(parts("[{\"text\":\"x\"}]", null, null)));
            return d.decode(Json.MAPPER.readTree("{\"candidates\":[{\"finishReason\":\"" + reason + "\",\"index\":0}]}")).finish();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMalformedFunctionCallBeforeAnyContentIsAnError() {
        assertThatThrownBy(() -> decode("{\"candidates\":[{\"finishReason\":\"MALFORMED_FUNCTION_CALL\",\"index\":0}]}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("MALFORMED_FUNCTION_CALL");
                });
    }

    @Test
    void aBlockedPromptIsAContentFilterFinish() {
        ChatChunk chunk = decode("{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":[]},"
                + "\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7}}");
        assertThat(chunk.finish()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(chunk.usage()).isEqualTo(new Usage(7, 0, false));
        assertThat(decoder.isComplete()).isTrue();
    }

    @Test
    void cumulativeUsageIsReportedWithTheFinishIncludingThoughts() {
        ChatChunk early = decode(parts("[{\"text\":\"a\"}]", null, "{\"promptTokenCount\":10,\"candidatesTokenCount\":1,\"totalTokenCount\":11}"));
        ChatChunk last = decode(parts("[{\"text\":\"b\"}]", "STOP",
                "{\"promptTokenCount\":10,\"cachedContentTokenCount\":4,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":5,\"totalTokenCount\":17}"));
        ChatChunk later = decode("{\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":3,\"totalTokenCount\":13}}");

        assertThat(early.usage()).isNull();
        assertThat(last.usage()).isEqualTo(new Usage(10, 7, false));
        assertThat(later.usage()).isEqualTo(new Usage(10, 3, false));
    }

    @Test
    void anInBandErrorObjectMapsLikeAnUpstreamStatus() {
        assertThatThrownBy(() -> decode("{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("Resource has been exhausted");
                });
        assertThatThrownBy(() -> new GeminiDecoder(DEPLOYMENT).decode(Json.MAPPER.readTree(
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}")))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED));
    }

    @Test
    void objectsThatCarryNothingNewGiveNoChunk() {
        assertThat(decode("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},\"index\":0}]}")).isNull();
        assertThat(decode("{\"modelVersion\":\"gemini-x\"}")).isNull();
    }
}
