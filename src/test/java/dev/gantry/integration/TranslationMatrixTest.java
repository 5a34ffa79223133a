package dev.gantry.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.integration.matrix.ProviderKind;
import dev.gantry.integration.matrix.Reply;
import dev.gantry.integration.matrix.Surface;
import dev.gantry.integration.matrix.SurfaceClient;
import dev.gantry.integration.matrix.UpstreamRequestCheck;
import dev.gantry.integration.matrix.Upstreams;
import dev.gantry.testing.RunningGantry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every inbound surface (OpenAI, Anthropic, Ollama) against every provider kind (Ollama, OpenAI,
 * Azure, Anthropic, Gemini, Bedrock), streamed and not, with and without a tool: 72 cells on one
 * Gantry with one fake per provider. Each cell checks, in the surface's own format, the text or
 * the tool call, the finish word, the token counts the fake reported, the stream framing, and what
 * the provider received (model id, tool declared in its own format).
 */
@Timeout(60)
class TranslationMatrixTest {

    private static final String OSLO = "{\"city\":\"Oslo\"}";

    private static Upstreams upstreams;
    private static RunningGantry gantry;
    private static final Map<Surface, SurfaceClient> CLIENTS = new EnumMap<>(Surface.class);

    @BeforeAll
    static void start() throws Exception {
        upstreams = Upstreams.start();
        gantry = RunningGantry.start(upstreams.config(), "http://127.0.0.1:1");
        for (Surface s : Surface.values()) {
            CLIENTS.put(s, s.client(gantry.baseUrl()));
        }
    }

    @AfterAll
    static void stop() {
        if (gantry != null) {
            gantry.close();
        }
        if (upstreams != null) {
            upstreams.close();
        }
    }

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (Surface surface : Surface.values()) {
            for (ProviderKind kind : ProviderKind.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    for (boolean tools : new boolean[] {false, true}) {
                        out.add(Arguments.of(surface, kind, stream, tools));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} surface x {1} provider, stream={2}, tools={3}")
    @MethodSource("cells")
    void aChatCrossesFromEachSurfaceToEachProviderAndBack(Surface surface, ProviderKind kind, boolean stream, boolean tools) {
        upstreams.reset();
        SurfaceClient client = CLIENTS.get(surface);

        Reply reply = client.chat(kind.publicModel(), stream, tools);

        if (tools) {
            assertThat(reply.toolName()).as("tool called").isEqualTo("get_weather");
            assertThat(reply.toolArguments()).as("tool arguments").isEqualTo(Api.json(OSLO));
            assertThat(reply.text()).as("no text beside the call").isEmpty();
        } else {
            assertThat(reply.text()).isEqualTo(kind.greeting());
            assertThat(reply.toolName()).as("no tool call").isNull();
        }
        assertThat(reply.finish()).as("finish").isEqualTo(client.expectedFinish(tools));
        assertThat(reply.inputTokens()).as("input tokens").isEqualTo(client.expectedInputTokens(kind));
        assertThat(reply.outputTokens()).as("output tokens").isEqualTo(kind.outputTokens(tools));
        if (surface == Surface.ANTHROPIC) {
            assertThat(reply.cacheReadTokens()).as("cache_read_input_tokens").isEqualTo(kind.cacheReadTokens());
        }
        if (!client.passesThrough(kind)) {
            assertThat(reply.model()).as("a translated answer names the model the client asked for").isEqualTo(kind.publicModel());
        }
        UpstreamRequestCheck.assertChat(upstreams, kind, stream, tools);
    }
}
