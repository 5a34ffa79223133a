package dev.gantry.route;

/** The last health check of one upstream, as {@code /health/ready} reports it. Never holds a key. */
public record UpstreamStatus(String id, String kind, boolean reachable, int models, String error, long checkedAtMillis) {}
