package dev.gantry.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.fake.FakeGemini;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.UpstreamErrors;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Google's error bodies, as FakeGemini sends them, through UpstreamErrors (PROTOCOLS.md 4.4, 5.10). */
class GeminiErrorMappingTest {

    private static GatewayError map(int status, String body) {
        Throwable e = GeminiProvider.credentialProblem(GeminiDecoderTest.DEPLOYMENT,
                UpstreamErrors.fromStatus(GeminiDecoderTest.DEPLOYMENT, status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body)));
        return (GatewayError) e;
    }

    @Test
    void invalidArgumentIsABadRequestQuotingGooglesMessage() {
        GatewayError e = map(400, FakeGemini.errorBody(400, "Invalid JSON payload received. Unknown name \"foo\": Cannot find field."));
        assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        assertThat(e.getMessage()).contains("Unknown name \"foo\"");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anInvalidKeyIsTheGatewaysCredentialProblemNotTheClients() {
        String body = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}";
        GatewayError e = map(400, body);
        assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(e.code()).isEqualTo("upstream_auth");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void permissionDeniedIsAnUpstreamError() {
        GatewayError e = map(403, FakeGemini.errorBody(403, "Method doesn't allow unregistered callers."));
        assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void resourceExhaustedIsRateLimitedAndRetryable() {
        GatewayError e = map(429, FakeGemini.errorBody(429, "Resource has been exhausted (e.g. check quota)."));
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(e.getMessage()).contains("Resource has been exhausted");
        assertThat(e.retryAfterSeconds()).isNotNull().isPositive();
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void internalIsAnUpstreamErrorAndUnavailableIsOverloaded() {
        GatewayError internal = map(500, FakeGemini.errorBody(500, "An internal error has occurred."));
        assertThat(internal.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(internal.retryable()).isTrue();
        GatewayError unavailable = map(503, FakeGemini.errorBody(503, "The model is overloaded. Please try again later."));
        assertThat(unavailable.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(unavailable.retryable()).isTrue();
        assertThat(map(504, FakeGemini.errorBody(504, "Deadline expired.")).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    }
}
