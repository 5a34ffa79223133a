package dev.gantry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.GantryConfig.Price;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.route.Deployment;
import dev.gantry.route.ProviderType;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class VendorErrorsTest {

    private static final Deployment D = new Deployment("bedrock@x/m", "m", ProviderType.BEDROCK,
            "https://bedrock-runtime.us-east-1.amazonaws.com", "m", null, 1, false, Price.FREE);

    private static GatewayError aws(int status, String typeHeader, String message) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (typeHeader != null) {
            headers.add("x-amzn-ErrorType", typeHeader);
        }
        return UpstreamErrors.fromStatus(D, status, headers, Buffer.buffer("{\"message\":\"" + message + "\"}"));
    }

    @Test
    void theAwsErrorTypeHeaderRefinesTheStatus() {
        GatewayError quota = aws(400, "ServiceQuotaExceededException:http://internal.amazon.com/coral/com.amazon.bedrock/", "quota");
        assertThat(quota.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(quota.retryable()).as("another deployment may have quota left").isTrue();
        assertThat(quota.retryAfterSeconds()).isNotNull();

        assertThat(aws(429, "ModelNotReadyException", "warming").kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(aws(404, "ResourceNotFoundException", "no such model").kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(aws(400, "ValidationException", "bad field").kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        assertThat(aws(400, "ValidationException", "bad field").retryable()).isFalse();
        assertThat(aws(429, "ThrottlingException", "slow down").kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(aws(500, "InternalServerException", "oops").getMessage()).contains("oops");
    }

    @Test
    void theTypeIsAlsoReadFromABodysTypeField() {
        GatewayError e = UpstreamErrors.fromStatus(D, 400, MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("{\"__type\":\"com.amazon.bedrock#ServiceQuotaExceededException\",\"message\":\"quota\"}"));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
    }

    @Test
    void azuresContentFilterRejectionIsBlockedWithCodeContentFilter() {
        GatewayError e = UpstreamErrors.fromStatus(D, 400, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(
                "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.\","
                        + "\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}"));

        assertThat(e.kind()).isEqualTo(ErrorKind.BLOCKED);
        assertThat(e.code()).isEqualTo("content_filter");
        assertThat(e.retryable()).isFalse();
    }
}
