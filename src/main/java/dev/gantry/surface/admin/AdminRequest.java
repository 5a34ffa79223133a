package dev.gantry.surface.admin;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** What an admin action needs from the HTTP request: the path id, the body, the query, and who asks (for the audit log). */
record AdminRequest(String id, Buffer body, MultiMap query, String actor) {
}
