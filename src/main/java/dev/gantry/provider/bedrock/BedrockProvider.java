package dev.gantry.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.GantryConfig.DeploymentConfig;
import dev.gantry.model.ChatChunk;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.EmbeddingRequest;
import dev.gantry.model.EmbeddingResponse;
import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.pipeline.Exchange;
import dev.gantry.provider.ChunkSink;
import dev.gantry.provider.Json;
import dev.gantry.provider.PathSegments;
import dev.gantry.provider.Provider;
import dev.gantry.provider.StreamControl;
import dev.gantry.provider.UpstreamClient;
import dev.gantry.provider.UpstreamResponse;
import dev.gantry.route.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * AWS Bedrock through the Converse API (PROTOCOLS.md 4.5): {@code /converse} for a client that
 * wants one answer, {@code /converse-stream} (binary event stream) for a streaming one. Requests
 * are SigV4-signed with the deployment's AWS keys, or carry a Bedrock API key as a bearer token.
 */
public final class BedrockProvider implements Provider {

    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final int MAX_RESPONSE = 64 * 1024 * 1024;

    private final UpstreamClient client;
    private final Clock clock;

    public BedrockProvider(UpstreamClient client) {
        this(client, Clock.systemUTC());
    }

    BedrockProvider(UpstreamClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Future<StreamControl> chat(Exchange exchange, Deployment deployment, ChatRequest request, ChunkSink sink) {
        boolean stream = request.stream();
        boolean jsonTool = ConverseCodec.emulatesJson(request);
        String url = deployment.baseUrl() + "/model/" + PathSegments.encode(deployment.upstreamModel())
                + (stream ? "/converse-stream" : "/converse");
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(ConverseCodec.body(request, deployment.config().maxTokens()));
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (Exception e) {
            return Future.failedFuture(GatewayError.badRequest("The request cannot be encoded for Bedrock: " + e.getMessage(), null));
        }
        MultiMap headers;
        try {
            headers = headers(deployment, url, body, stream);
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (RuntimeException e) {
            return Future.failedFuture(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The request to " + deployment.id()
                    + " could not be signed: " + e.getClass().getSimpleName()).asRetryable());
        }
        return client.send(exchange, deployment, HttpMethod.POST, url, headers, Buffer.buffer(body))
                .map(response -> {
                    if (stream) {
                        stream(response, jsonTool, sink);
                    } else {
                        whole(response, jsonTool, sink);
                    }
                    return response;
                });
    }

    private static void stream(UpstreamResponse response, boolean jsonTool, ChunkSink sink) {
        ConverseStreamDecoder decoder = new ConverseStreamDecoder(jsonTool);
        EventStreamFramer framer = new EventStreamFramer(MAX_MESSAGE, message -> {
            ChatChunk chunk = decoder.decode(message);
            if (chunk != null) {
                sink.onChunk(chunk);
            }
        });
        response.readFramed(framer, () -> {
            if (decoder.isComplete()) {
                sink.onEnd();
            } else {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                        "The upstream " + response.deployment().id() + " ended the stream before it was done."));
            }
        }, sink::onError);
    }

    private static void whole(UpstreamResponse response, boolean jsonTool, ChunkSink sink) {
        response.body(MAX_RESPONSE).onComplete(ar -> {
            if (ar.failed()) {
                sink.onError(ar.cause() instanceof GatewayError ge ? ge : GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream call failed."));
                return;
            }
            ChatChunk chunk;
            try {
                JsonNode node = Json.MAPPER.readTree(ar.result().getBytes());
                if (node == null || !node.isObject()) {
                    throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + response.deployment().id() + " sent an answer that is not a JSON object.");
                }
                chunk = ConverseResponse.decode(node, jsonTool);
            } catch (GatewayError e) {
                sink.onError(e);
                return;
            } catch (Exception e) {
                sink.onError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The upstream " + response.deployment().id() + " sent an answer that is not valid JSON."));
                return;
            }
            sink.onChunk(chunk);
            sink.onEnd();
        });
    }

    private MultiMap headers(Deployment deployment, String url, byte[] body, boolean stream) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", stream ? "application/vnd.amazon.eventstream" : "application/json");
        DeploymentConfig c = deployment.config();
        if (present(c.awsAccessKeyId()) && present(c.awsSecretAccessKey())) {
            AwsCredentialsIdentity credentials = present(c.awsSessionToken())
                    ? AwsSessionCredentialsIdentity.create(c.awsAccessKeyId(), c.awsSecretAccessKey(), c.awsSessionToken())
                    : AwsCredentialsIdentity.create(c.awsAccessKeyId(), c.awsSecretAccessKey());
            return SigV4.sign(url, headers, body, region(deployment), credentials, clock);
        }
        if (present(deployment.apiKey())) {
            return headers.add("authorization", "Bearer " + deployment.apiKey());
        }
        throw GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The Bedrock deployment " + deployment.id() + " has no credentials: set "
                + "aws_access_key_id and aws_secret_access_key (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), or a Bedrock api_key.")
                .asRetryable();
    }

    /** The configured region, else the one in a {@code bedrock-runtime.<region>.amazonaws.com} host, else us-east-1. */
    static String region(Deployment deployment) {
        String configured = deployment.config().region();
        if (present(configured)) {
            return configured.trim();
        }
        String host = URI.create(deployment.baseUrl()).getHost();
        String prefix = "bedrock-runtime.";
        if (host != null && host.startsWith(prefix) && host.indexOf('.', prefix.length()) > 0) {
            return host.substring(prefix.length(), host.indexOf('.', prefix.length()));
        }
        return "us-east-1";
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    @Override
    public Future<EmbeddingResponse> embed(Exchange exchange, Deployment deployment, EmbeddingRequest request) {
        return Future.failedFuture(GatewayError.badRequest("The model '" + GatewayError.quote(request.model())
                + "' is served by Bedrock's Converse API, which has no embeddings; use a model with an embeddings deployment.", "model"));
    }
}
