package dev.gantry.surface.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.GatewayError;
import dev.gantry.provider.Json;
import io.vertx.core.buffer.Buffer;

/** Parses a request body into a JSON object, with a 400 that says where the JSON broke. */
public final class JsonBodies {

    private JsonBodies() {}

    public static ObjectNode parseObject(Buffer body) {
        if (body == null || body.length() == 0) {
            throw GatewayError.badRequest("The request body is empty; send a JSON object.", null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw GatewayError.badRequest("The request body is not valid JSON" + where + ": " + e.getOriginalMessage(), null);
        } catch (Exception e) {
            throw GatewayError.badRequest("The request body could not be read as JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.badRequest("The request body must be a JSON object.", null);
        }
        return (ObjectNode) node;
    }
}
