package dev.gantry.integration.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.fake.Recorded;
import java.util.List;

/**
 * What one matrix cell must have sent upstream: exactly one chat request, to the configured model
 * id, and — when the client offered {@code get_weather} — that tool declared in the provider's own
 * format (OpenAI function, Anthropic input_schema, Gemini functionDeclarations, Bedrock toolSpec).
 */
public final class UpstreamRequestCheck {

    private UpstreamRequestCheck() {}

    public static void assertChat(Upstreams upstreams, ProviderKind kind, boolean stream, boolean tools) {
        List<Recorded> chats = upstreams.chats(kind);
        assertThat(chats).as("chat requests %s received", kind).hasSize(1);
        Recorded rec = chats.get(0);
        JsonNode body = rec.body();
        String model = kind.upstreamModel();
        switch (kind) {
            case OLLAMA -> {
                assertThat(rec.path()).isEqualTo("/api/chat");
                assertThat(body.path("model").asText()).isEqualTo(model);
                checkOpenAiStyleTool(body.path("tools"), tools);
            }
            case OPENAI -> {
                assertThat(rec.path()).isEqualTo("/v1/chat/completions");
                assertThat(body.path("model").asText()).isEqualTo(model);
                checkOpenAiStyleTool(body.path("tools"), tools);
            }
            case AZURE -> {
                assertThat(upstreams.azureUri()).startsWith("/openai/deployments/" + model + "/chat/completions?api-version=");
                checkOpenAiStyleTool(body.path("tools"), tools);
            }
            case ANTHROPIC -> {
                assertThat(rec.path()).isEqualTo("/v1/messages");
                assertThat(body.path("model").asText()).isEqualTo(model);
                JsonNode list = body.path("tools");
                if (checkList(list, tools)) {
                    assertThat(list.get(0).path("name").asText()).isEqualTo("get_weather");
                    assertThat(list.get(0).path("input_schema").path("properties").path("city").path("type").asText()).isEqualTo("string");
                }
            }
            case GEMINI -> {
                assertThat(rec.path()).isEqualTo("/v1beta/models/" + model + (stream ? ":streamGenerateContent" : ":generateContent"));
                JsonNode list = body.path("tools");
                if (checkList(list, tools)) {
                    JsonNode decl = list.get(0).path("functionDeclarations").path(0);
                    assertThat(decl.path("name").asText()).isEqualTo("get_weather");
                    assertThat(decl.path("parameters").path("properties").path("city").path("type").asText()).isEqualTo("STRING");
                }
            }
            case BEDROCK -> {
                assertThat(upstreams.bedrockSignatureProblems()).isEmpty();
                assertThat(rec.path()).isEqualTo("/model/" + model + (stream ? "/converse-stream" : "/converse"));
                JsonNode list = body.path("toolConfig").path("tools");
                if (checkList(list, tools)) {
                    JsonNode spec = list.get(0).path("toolSpec");
                    assertThat(spec.path("name").asText()).isEqualTo("get_weather");
                    assertThat(spec.path("inputSchema").path("json").path("properties").path("city").path("type").asText()).isEqualTo("string");
                }
            }
        }
    }

    private static void checkOpenAiStyleTool(JsonNode list, boolean tools) {
        if (checkList(list, tools)) {
            JsonNode tool = list.get(0);
            assertThat(tool.path("type").asText()).isEqualTo("function");
            assertThat(tool.path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(tool.path("function").path("parameters").path("properties").path("city").path("type").asText()).isEqualTo("string");
        }
    }

    /** With tools: exactly one declared, true. Without: none at all, false. */
    private static boolean checkList(JsonNode list, boolean tools) {
        if (!tools) {
            assertThat(list.isMissingNode() || list.isNull() || list.isEmpty()).as("no tools upstream, got %s", list).isTrue();
            return false;
        }
        assertThat(list.isArray() && list.size() == 1).as("one tool upstream, got %s", list).isTrue();
        return true;
    }
}
