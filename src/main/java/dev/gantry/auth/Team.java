package dev.gantry.auth;

/** A team: its policy is shared by all its keys (a request counts against both). */
public record Team(String id, String name, Policy policy, String metadataJson, boolean deleted, long createdAt,
                   long updatedAt, long revision) {
}
