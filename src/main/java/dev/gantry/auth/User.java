package dev.gantry.auth;

/** A user (a person or a service) that keys may belong to, with a policy of its own. */
public record User(String id, String name, String email, String teamId, Policy policy, String metadataJson, boolean deleted,
                   long createdAt, long updatedAt, long revision) {
}
