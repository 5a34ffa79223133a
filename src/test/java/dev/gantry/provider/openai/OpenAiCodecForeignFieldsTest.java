package dev.gantry.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fields from other client APIs reach self-hosted servers, but never OpenAI's own API, which refuses them. */
class OpenAiCodecForeignFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatRequest withExtra(Map<String, JsonNode> extra) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "hi")), true, false, null, null, null, null, null, null, null,
                null, extra);
    }

    @Test
    void anthropicFieldsAreDroppedForOpenAiButKeptForCompatibleServers() throws Exception {
        Map<String, JsonNode> extra = Map.of(
                "top_k", JSON.readTree("5"),
                "thinking", JSON.readTree("{\"type\":\"enabled\",\"budget_tokens\":1024}"),
                "metadata", JSON.readTree("{\"user_id\":\"u-1\"}"),
                "service_tier", JSON.readTree("\"standard_only\""),
                "user", JSON.readTree("\"u-1\""),
                "logit_bias", JSON.readTree("{\"42\":1}"));

        ObjectNode official = OpenAiCodec.chatBody(withExtra(extra), "gpt-4o", true);
        ObjectNode selfHosted = OpenAiCodec.chatBody(withExtra(extra), "llama", false);

        assertThat(official.has("top_k")).isFalse();
        assertThat(official.has("thinking")).isFalse();
        assertThat(official.has("metadata")).as("OpenAI takes metadata only with store: true").isFalse();
        assertThat(official.has("service_tier")).as("not one of OpenAI's tiers").isFalse();
        assertThat(official.path("user").asText()).as("OpenAI's own fields pass").isEqualTo("u-1");
        assertThat(official.has("logit_bias")).isTrue();
        assertThat(selfHosted.path("top_k").asInt()).isEqualTo(5);
        assertThat(selfHosted.has("thinking")).isTrue();
    }

    @Test
    void openAiMetadataWithStorePasses() throws Exception {
        Map<String, JsonNode> extra = Map.of("store", JSON.readTree("true"), "metadata", JSON.readTree("{\"app\":\"ci\"}"),
                "service_tier", JSON.readTree("\"flex\""));
        ObjectNode official = OpenAiCodec.chatBody(withExtra(extra), "gpt-4o", true);
        assertThat(official.path("metadata").path("app").asText()).isEqualTo("ci");
        assertThat(official.path("service_tier").asText()).isEqualTo("flex");
    }
}
