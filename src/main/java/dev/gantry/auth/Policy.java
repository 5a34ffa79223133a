package dev.gantry.auth;

import java.time.Duration;
import java.util.List;

/**
 * What a key, team or user may do: which public models (null = all), rate limits, parallel
 * requests, and a budget in nano-dollars per {@code budgetDuration} (null duration = for ever).
 */
public record Policy(List<String> models, Long rpmLimit, Long tpmLimit, Integer maxParallel, Long maxBudgetNanos,
                     Duration budgetDuration) {

    public static final Policy NONE = new Policy(null, null, null, null, null, null);

    public Policy {
        models = models == null ? null : List.copyOf(models);
    }

    public boolean allows(String model) {
        return models == null || models.contains(model);
    }
}
