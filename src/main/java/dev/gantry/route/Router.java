package dev.gantry.route;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks the deployment that serves a request: weighted random within the model's group. */
public final class Router {

    private final ModelRegistry registry;

    public Router(ModelRegistry registry) {
        this.registry = registry;
    }

    public Deployment pick(String model) {
        List<Deployment> group = registry.resolve(model);
        if (group.isEmpty()) {
            throw new GatewayError(ErrorKind.NOT_FOUND, "The model '" + GatewayError.quote(model)
                    + "' does not exist or is not served by this gateway. GET /v1/models lists the available models.",
                    "model", "model_not_found", null);
        }
        if (group.size() == 1) {
            return group.get(0);
        }
        int total = 0;
        for (Deployment d : group) {
            total += d.weight();
        }
        if (total <= 0) {
            return group.get(ThreadLocalRandom.current().nextInt(group.size()));
        }
        int ticket = ThreadLocalRandom.current().nextInt(total);
        for (Deployment d : group) {
            ticket -= d.weight();
            if (ticket < 0) {
                return d;
            }
        }
        return group.get(group.size() - 1);
    }
}
