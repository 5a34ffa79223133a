package dev.gantry.auth;

/** Who is calling. For now only the master key exists; virtual keys arrive with governance. */
public record Principal(String id, Kind kind) {

    public enum Kind { MASTER }

    public static final Principal MASTER = new Principal("master", Kind.MASTER);
}
