package dev.gantry.surface.admin;

import com.fasterxml.jackson.databind.JsonNode;

/** An admin action's answer: a status and a JSON body. */
record AdminReply(int status, JsonNode body) {

    static AdminReply ok(JsonNode body) {
        return new AdminReply(200, body);
    }

    static AdminReply created(JsonNode body) {
        return new AdminReply(201, body);
    }
}
