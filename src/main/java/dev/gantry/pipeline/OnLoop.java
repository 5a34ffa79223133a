package dev.gantry.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/** Runs the next step on the request's event loop once a stage finished elsewhere (e.g. a spool fsync). */
final class OnLoop {

    private OnLoop() {}

    /** Runs {@code next} right away if {@code stage} is done, else on the caller's context when it completes (failed or not). */
    static void after(CompletionStage<Void> stage, Runnable next) {
        if (stage.toCompletableFuture().isDone()) {
            next.run();
            return;
        }
        Context context = Vertx.currentContext();
        stage.whenComplete((v, e) -> {
            if (context == null) {
                next.run();
            } else {
                context.runOnContext(x -> next.run());
            }
        });
    }
}
