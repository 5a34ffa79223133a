package dev.gantry.surface.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.GatewayError;
import dev.gantry.store.PrincipalStore.ConflictException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {

    @Test
    void aChangeThatSucceedsRunsOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        String result = ConflictRetry.once(() -> "v" + attempts.incrementAndGet());

        assertThat(result).isEqualTo("v1");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void oneConflictIsResolvedByReadingAgainAndRetrying() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        String result = ConflictRetry.once(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new ConflictException("The key k was changed meanwhile.");
            }
            return "written";
        });

        assertThat(result).isEqualTo("written");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aSecondConflictIsReportedAsAConflictNotRetriedAgain() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> ConflictRetry.once(() -> {
            attempts.incrementAndGet();
            throw new ConflictException("The key k was changed meanwhile.");
        })).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.code()).isEqualTo(ConflictRetry.CONFLICT);
            assertThat(e.getMessage()).contains("The key k was changed").contains("retry");
        });
        assertThat(attempts).hasValue(2);
    }

    @Test
    void validationErrorsAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> ConflictRetry.once(() -> {
            attempts.incrementAndGet();
            throw GatewayError.badRequest("bad", "rpm_limit");
        })).isInstanceOf(GatewayError.class);
        assertThat(attempts).hasValue(1);
    }
}
