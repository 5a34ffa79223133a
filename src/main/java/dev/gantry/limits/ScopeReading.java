package dev.gantry.limits;

/**
 * One scope's counters as seen by an admission: requests and tokens in the window (after the
 * request was counted when it was admitted, before when refused), the time until the oldest
 * counted second of each leaves the window, parallel requests in flight, and how long this scope
 * asks the request to wait (0 if it admits it).
 */
record ScopeReading(LimitScope scope, long requestsUsed, long requestsResetMs, long tokensUsed, long tokensResetMs,
                    long parallelUsed, long waitMs) {
}
