package dev.gantry.surface.admin;

import dev.gantry.model.ErrorKind;
import dev.gantry.model.GatewayError;
import dev.gantry.store.PrincipalStore.ConflictException;
import java.sql.SQLException;

/**
 * Read-modify-write against optimistic revisions. A conflict means someone else changed the row
 * between our read and our write; one fresh read and retry resolves the common case (two admins,
 * or an admin and a script, touching the same key), and a second conflict is reported as 409
 * rather than retried for ever.
 */
final class ConflictRetry {

    /** The {@code error.code} AdminRoutes renders with status 409. */
    static final String CONFLICT = "conflict";

    @FunctionalInterface
    interface Attempt<T> {
        /** Reads the current row, applies the change, writes it with the revision it read. */
        T run() throws SQLException, ConflictException;
    }

    private ConflictRetry() {}

    static <T> T once(Attempt<T> attempt) throws SQLException {
        try {
            return attempt.run();
        } catch (ConflictException first) {
            try {
                return attempt.run();
            } catch (ConflictException again) {
                throw new GatewayError(ErrorKind.BAD_REQUEST, again.getMessage() + " It kept changing while this request ran; retry it.",
                        null, CONFLICT, null);
            }
        }
    }
}
