package dev.gantry.account;

/**
 * One request's spend, written once and never changed. {@code id} is unique per request, so a
 * replayed event is recognised and stored only once. Cost is in nano-dollars (1e-9 USD), an exact
 * integer, so totals add up to the cent and to the sum of the {@code x-gantry-cost} headers.
 */
public record SpendEvent(
        String id,
        long timestampMillis,
        String requestId,
        String keyId,
        String teamId,
        String userId,
        String model,
        String deployment,
        long inputTokens,
        long outputTokens,
        boolean estimated,
        long costNanos) {
}
