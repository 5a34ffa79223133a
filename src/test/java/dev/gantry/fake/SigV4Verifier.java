package dev.gantry.fake;

import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Checks a request's SigV4 signature the way AWS does: from what arrived on the wire (method,
 * raw path, the signed headers' received values, the body's hash), it computes the signature
 * with the test credentials and AWS's own signer and compares. A signature over anything other
 * than what was sent (another path encoding, host, body or header value) fails.
 */
final class SigV4Verifier {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final String region;
    private final String accessKeyId;
    private final String secretKey;
    private final String sessionToken;

    SigV4Verifier(String region, String accessKeyId, String secretKey, String sessionToken) {
        this.region = region;
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
        this.sessionToken = sessionToken;
    }

    /** @return null when the signature is valid, else what is wrong */
    String verify(HttpServerRequest req, byte[] body) {
        String authorization = req.getHeader("authorization");
        if (authorization == null) {
            return "no Authorization header";
        }
        Matcher m = AUTH.matcher(authorization);
        if (!m.matches()) {
            return "malformed Authorization header: " + authorization;
        }
        if (!m.group(1).equals(accessKeyId)) {
            return "unknown access key " + m.group(1);
        }
        if (!m.group(3).equals(region) || !m.group(4).equals("bedrock")) {
            return "credential scope is " + m.group(3) + "/" + m.group(4) + ", expected " + region + "/bedrock";
        }
        String amzDate = req.getHeader("x-amz-date");
        if (amzDate == null) {
            return "no x-amz-date header";
        }
        Instant signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        if (!amzDate.startsWith(m.group(2)) || Duration.between(signedAt, Instant.now()).abs().toMinutes() > 15) {
            return "x-amz-date " + amzDate + " does not fit the credential date or is too far from now";
        }
        List<String> signed = List.of(m.group(5).split(";"));
        for (String required : List.of("host", "x-amz-date", "content-type")) {
            if (!signed.contains(required)) {
                return "header " + required + " is not signed";
            }
        }
        String token = req.getHeader("x-amz-security-token");
        if (token != null && (!token.equals(sessionToken) || !signed.contains("x-amz-security-token"))) {
            return "the session token is unknown or unsigned";
        }
        String contentHash = req.getHeader("x-amz-content-sha256");
        if (contentHash != null && !contentHash.equals(sha256(body))) {
            return "x-amz-content-sha256 is not the hash of the body";
        }
        String host = req.getHeader("host");
        int colon = host.lastIndexOf(':');
        SdkHttpRequest.Builder wire = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(req.method().name()))
                .protocol("http")
                .host(colon < 0 ? host : host.substring(0, colon))
                .port(colon < 0 ? 80 : Integer.parseInt(host.substring(colon + 1)))
                .encodedPath(req.path());
        for (String name : signed) {
            // The signer adds its own date and body hash; it is given the wire date as its clock below.
            if (!name.equals("x-amz-date") && !name.equals("x-amz-content-sha256")) {
                List<String> values = req.headers().getAll(name);
                if (values.isEmpty()) {
                    return "signed header " + name + " was not sent";
                }
                values.forEach(v -> wire.appendHeader(name, v));
            }
        }
        AwsCredentialsIdentity identity = token != null
                ? AwsSessionCredentialsIdentity.create(accessKeyId, secretKey, token)
                : AwsCredentialsIdentity.create(accessKeyId, secretKey);
        String expected = AwsV4HttpSigner.create().sign(r -> r
                        .identity(identity)
                        .request(wire.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
        return expected.equals(authorization) ? null : "signature mismatch: got " + authorization + ", expected " + expected;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
