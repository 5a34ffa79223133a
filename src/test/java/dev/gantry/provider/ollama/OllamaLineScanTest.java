package dev.gantry.provider.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OllamaLineScanTest {

    private static OllamaLineScan scan(String line) {
        return OllamaLineScan.of(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aContentLineIsNeitherDoneNorAnError() {
        OllamaLineScan s = scan("{\"model\":\"m\",\"created_at\":\"t\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}");

        assertThat(s.done()).isFalse();
        assertThat(s.error()).isNull();
        assertThat(s.usage()).isNull();
    }

    @Test
    void theFinalLineCarriesTheTokenCounts() {
        OllamaLineScan s = scan("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"total_duration\":1,\"prompt_eval_count\":11,\"eval_count\":18}");

        assertThat(s.done()).isTrue();
        assertThat(s.usage().inputTokens()).isEqualTo(11);
        assertThat(s.usage().outputTokens()).isEqualTo(18);
        assertThat(s.usage().estimated()).isFalse();
    }

    @Test
    void spacesAroundTheColonAreAllowed() {
        assertThat(scan("{\"done\" : true, \"eval_count\": 3}").done()).isTrue();
    }

    @Test
    void aDoneKeyInsideToolArgumentsOrTextIsNotTheEnd() {
        String toolLine = "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"f\","
                + "\"arguments\":{\"done\":true}}}]},\"done\":false}";
        String textLine = "{\"message\":{\"content\":\"say \\\"done\\\":true\"},\"done\":false}";

        assertThat(scan(toolLine).done()).isFalse();
        assertThat(scan(textLine).done()).isFalse();
    }

    @Test
    void anErrorLineIsAnError() {
        OllamaLineScan s = scan("{\"error\":\"an error was encountered while running the model\"}");

        assertThat(s.error()).isEqualTo("an error was encountered while running the model");
        assertThat(s.done()).isFalse();
    }

    @Test
    void anErrorKeyInsideArgumentsOrANullErrorIsNotAnError() {
        assertThat(scan("{\"message\":{\"tool_calls\":[{\"function\":{\"arguments\":{\"error\":\"x\"}}}]},\"done\":false}").error()).isNull();
        assertThat(scan("{\"error\":null,\"done\":false}").error()).isNull();
    }

    @Test
    void aLineThatIsNotJsonIsTreatedAsContent() {
        OllamaLineScan s = scan("{\"done\":true, oops");

        assertThat(s.done()).isFalse();
        assertThat(s.error()).isNull();
    }
}
