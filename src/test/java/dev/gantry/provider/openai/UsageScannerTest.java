package dev.gantry.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageScannerTest {

    private static Usage scan(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return UsageScanner.scan(b, 0, b.length);
    }

    @Test
    void usageIsFoundAfterTheChoices() {
        assertThat(scan("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"))
                .isEqualTo(new Usage(5, 7, false));
    }

    @Test
    void usageIsFoundBeforeEverythingElse() {
        assertThat(scan("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},\"choices\":[]}"))
                .isEqualTo(new Usage(1, 2, false));
    }

    @Test
    void nestedUsageKeysAndUsageTextInsideContentAreIgnored() {
        String json = "{\"choices\":[{\"message\":{\"content\":\"\\\"usage\\\":{\\\"prompt_tokens\\\":99}\","
                + "\"usage\":{\"prompt_tokens\":98,\"completion_tokens\":97}}}],"
                + "\"meta\":{\"usage\":{\"prompt_tokens\":96}},"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
        assertThat(scan(json)).isEqualTo(new Usage(3, 4, false));
    }

    @Test
    void onlyNestedUsageMeansNoUsage() {
        assertThat(scan("{\"choices\":[{\"usage\":{\"prompt_tokens\":98}}],\"x\":{\"usage\":{\"prompt_tokens\":1}}}")).isNull();
    }

    @Test
    void missingOrNonObjectUsageMeansNoUsage() {
        assertThat(scan("{\"choices\":[]}")).isNull();
        assertThat(scan("{\"usage\":null}")).isNull();
        assertThat(scan("{\"usage\":\"lots\"}")).isNull();
    }

    @Test
    void missingTokenCountsAreZero() {
        assertThat(scan("{\"usage\":{}}")).isEqualTo(new Usage(0, 0, false));
    }

    @Test
    void invalidJsonOrANonObjectMeansNoUsage() {
        assertThat(scan("not json")).isNull();
        assertThat(scan("[{\"usage\":{\"prompt_tokens\":1}}]")).isNull();
        assertThat(scan("")).isNull();
        assertThat(scan("{\"choices\":[1,2")).isNull();
    }

    @Test
    void onlyTheGivenSliceOfTheArrayIsRead() {
        String prefix = "garbage{";
        String json = "{\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":9}}";
        byte[] all = (prefix + json + "trailing}").getBytes(StandardCharsets.UTF_8);
        assertThat(UsageScanner.scan(all, prefix.length(), json.length())).isEqualTo(new Usage(8, 9, false));
    }
}
