package dev.gantry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig.Price;
import dev.gantry.fake.FakeAnthropic;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Anthropic's error body {@code {"type":"error","error":{"type","message"}}} read through the shared upstream error mapping. */
class AnthropicUpstreamErrorsTest {

    private static final Deployment D = new Deployment("anthropic@api.anthropic.com:443/claude-x", "claude",
            ProviderType.ANTHROPIC, "https://api.anthropic.com", "claude-x", "sk-ant-secret-key-123456", 1, false, Price.FREE);

    private static GatewayError from(int status, String message, String retryAfter) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (retryAfter != null) {
            headers.add("retry-after", retryAfter);
        }
        return UpstreamErrors.fromStatus(D, status, headers, Buffer.buffer(FakeAnthropic.errorBody(status, message)));
    }

    @Test
    void theMessageIsReadFromTheNestedErrorObject() {
        assertThat(UpstreamErrors.extractMessage(Buffer.buffer(FakeAnthropic.errorBody(400, "max_tokens: Field required"))))
                .isEqualTo("max_tokens: Field required");
    }

    @Test
    void everyDocumentedStatusMapsToItsKind() {
        Object[][] table = {
            {400, ErrorKind.BAD_REQUEST, false}, {401, ErrorKind.UPSTREAM_ERROR, true}, {403, ErrorKind.UPSTREAM_ERROR, true},
            {404, ErrorKind.NOT_FOUND, true}, {413, ErrorKind.BODY_TOO_LARGE, false}, {429, ErrorKind.RATE_LIMITED, true},
            {500, ErrorKind.UPSTREAM_ERROR, true}, {504, ErrorKind.UPSTREAM_TIMEOUT, true}, {529, ErrorKind.OVERLOADED, true}};
        for (Object[] row : table) {
            GatewayError e = from((Integer) row[0], "upstream text " + row[0], null);
            assertThat(e.kind()).as("status %s", row[0]).isEqualTo(row[1]);
            assertThat(e.retryable()).as("status %s", row[0]).isEqualTo(row[2]);
            assertThat(e.getMessage()).doesNotContain("sk-ant-secret");
        }
    }

    @Test
    void overloadedAndRateLimitedCarryTheUpstreamsRetryAfter() {
        GatewayError overloaded = from(529, "Overloaded", "30");
        assertThat(overloaded.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(overloaded.getMessage()).contains("Overloaded");
        assertThat(overloaded.retryAfterSeconds()).isEqualTo(30L);

        GatewayError limited = from(429, "Number of requests has exceeded your rate limit", "12");
        assertThat(limited.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(limited.getMessage()).contains("exceeded your rate limit");
        assertThat(limited.retryAfterSeconds()).isEqualTo(12L);
    }

    @Test
    void aPromptTooLongIsAContextLengthError() {
        GatewayError e = from(400, "prompt is too long: 208573 tokens > 200000 maximum", null);
        assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        assertThat(e.code()).isEqualTo("context_length_exceeded");
    }
}
