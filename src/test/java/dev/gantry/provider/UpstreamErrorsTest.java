package dev.gantry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig.Price;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    private static final Deployment D = new Deployment("openai@api.openai.com:443/gpt-4o-mini", "gpt-4o-mini",
            ProviderType.OPENAI, "https://api.openai.com/v1", "gpt-4o-mini", "sk-secret-config-key-123456", 1, false, Price.FREE);

    private static GatewayError from(int status, String body) {
        return UpstreamErrors.fromStatus(D, status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));
    }

    private static GatewayError from(int status, MultiMap headers) {
        return UpstreamErrors.fromStatus(D, status, headers, Buffer.buffer("{\"error\":{\"message\":\"slow down\"}}"));
    }

    private static MultiMap headers(String... kv) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < kv.length; i += 2) {
            m.add(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void statusesMapToTheDocumentedKindsAndCodes() {
        Object[][] table = {
            {400, ErrorKind.BAD_REQUEST, null},
            {409, ErrorKind.BAD_REQUEST, null},
            {422, ErrorKind.BAD_REQUEST, null},
            {401, ErrorKind.UPSTREAM_ERROR, "upstream_auth"},
            {403, ErrorKind.UPSTREAM_ERROR, "upstream_auth"},
            {404, ErrorKind.NOT_FOUND, "model_not_found"},
            {408, ErrorKind.UPSTREAM_TIMEOUT, null},
            {504, ErrorKind.UPSTREAM_TIMEOUT, null},
            {413, ErrorKind.BODY_TOO_LARGE, "request_too_large"},
            {429, ErrorKind.RATE_LIMITED, "rate_limit_exceeded"},
            {503, ErrorKind.OVERLOADED, "overloaded"},
            {529, ErrorKind.OVERLOADED, "overloaded"},
            {500, ErrorKind.UPSTREAM_ERROR, null},
            {502, ErrorKind.UPSTREAM_ERROR, null},
            {418, ErrorKind.UPSTREAM_ERROR, null},
        };
        for (Object[] row : table) {
            GatewayError e = from((Integer) row[0], "{\"error\":{\"message\":\"something\"}}");
            assertThat(e.kind()).as("status %s", row[0]).isEqualTo(row[1]);
            assertThat(e.code()).as("status %s", row[0]).isEqualTo(row[2]);
        }
    }

    @Test
    void aContextLengthRejectionIsAPromptTooLongBadRequest() {
        for (String msg : new String[] {
            "This model's maximum context length is 8192 tokens.",
            "input exceeds context window",
            "prompt is too long"}) {
            GatewayError e = from(400, "{\"error\":{\"message\":\"" + msg + "\"}}");
            assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
            assertThat(e.code()).as(msg).isEqualTo("context_length_exceeded");
            assertThat(e.param()).isEqualTo("messages");
            assertThat(e.getMessage()).contains(msg);
        }
    }

    @Test
    void theUpstreamMessageIsReadFromEveryKnownErrorShape() {
        assertThat(from(500, "{\"error\":\"ollama says no\"}").getMessage()).contains("ollama says no");
        assertThat(from(500, "{\"error\":{\"message\":\"openai says no\"}}").getMessage()).contains("openai says no");
        assertThat(from(500, "{\"object\":\"error\",\"message\":\"vllm says no\"}").getMessage()).contains("vllm says no");
        assertThat(from(500, "plain text failure").getMessage()).contains("plain text failure");
        assertThat(from(500, "").getMessage()).contains("(no message)");
    }

    @Test
    void errorMessagesNameTheDeploymentButNeverItsKey() {
        GatewayError e = from(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-config-key-123456\"}}");
        assertThat(e.getMessage()).contains(D.id()).doesNotContain("sk-secret");
    }

    @Test
    void secretsInUpstreamMessagesAreScrubbed() {
        GatewayError e = from(400, "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abc123XYZ_789-****wxyz. "
                + "Header was Bearer eyJhbGciOi.payload.sig and url had key=AIzaSyD-123&x=1\"}}");
        assertThat(e.getMessage())
                .doesNotContain("sk-proj-abc123")
                .doesNotContain("wxyz")
                .doesNotContain("eyJhbGciOi")
                .doesNotContain("AIzaSyD")
                .contains("[redacted]")
                .contains("Incorrect API key provided");
    }

    @Test
    void scrubLeavesOrdinaryTextAloneAndShortensLongMessages() {
        assertThat(UpstreamErrors.scrub("model skipped a task-sk-1")).isEqualTo("model skipped a task-sk-1");
        String longMessage = "x".repeat(1000);
        assertThat(UpstreamErrors.scrub(longMessage)).hasSize(403).endsWith("...");
    }

    @Test
    void rateLimitAndOverloadDefaultToARetryAfterOfOneSecond() {
        assertThat(from(429, headers()).retryAfterSeconds()).isEqualTo(1L);
        assertThat(from(503, headers()).retryAfterSeconds()).isEqualTo(1L);
        assertThat(from(500, headers("retry-after", "30")).retryAfterSeconds()).isNull();
    }

    @Test
    void retryAfterSecondsIsHonouredAndRoundedUp() {
        assertThat(from(429, headers("Retry-After", "30")).retryAfterSeconds()).isEqualTo(30L);
        assertThat(from(429, headers("retry-after", "1.2")).retryAfterSeconds()).isEqualTo(2L);
        assertThat(from(503, headers("retry-after", "0")).retryAfterSeconds()).isEqualTo(1L);
    }

    @Test
    void retryAfterMsWinsOverRetryAfterAndIsConvertedToWholeSeconds() {
        assertThat(from(429, headers("retry-after-ms", "1500", "retry-after", "60")).retryAfterSeconds()).isEqualTo(2L);
        assertThat(from(429, headers("retry-after-ms", "20")).retryAfterSeconds()).isEqualTo(1L);
        assertThat(from(429, headers("retry-after-ms", "3000")).retryAfterSeconds()).isEqualTo(3L);
    }

    @Test
    void anHttpDateRetryAfterFallsBackToOneSecond() {
        assertThat(from(429, headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")).retryAfterSeconds()).isEqualTo(1L);
        assertThat(UpstreamErrors.retryAfterSeconds(null)).isNull();
    }

    @Test
    void connectionFailuresMapToTimeoutsAndUpstreamErrors() {
        assertThat(UpstreamErrors.fromThrowable(D, new TimeoutException("t")).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
        assertThat(UpstreamErrors.fromThrowable(D, new ConnectException("refused")).getMessage()).contains("connection refused");
        assertThat(UpstreamErrors.fromThrowable(D, new UnknownHostException("h")).kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        GatewayError original = GatewayError.of(ErrorKind.OVERLOADED, "x");
        assertThat(UpstreamErrors.fromThrowable(D, original)).isSameAs(original);
    }
}
