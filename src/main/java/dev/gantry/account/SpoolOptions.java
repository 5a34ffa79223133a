package dev.gantry.account;

import java.time.Duration;

/**
 * Tuning of the spend recorder.
 *
 * @param batchSize most events per {@link SpendStore#insertBatch} call
 * @param batchInterval how long an event may wait for others to share its batch
 * @param maxBackoff cap of the exponential wait between attempts while the store fails
 * @param segmentBytes a spool segment is rotated once it is this large (it is deleted when every
 *     event in it is confirmed, so smaller segments free disk sooner after an outage)
 * @param closeTimeout how long {@link SpendRecorder#close()} waits for the last store attempt;
 *     whatever is not confirmed by then stays in the spool for the next start
 */
public record SpoolOptions(int batchSize, Duration batchInterval, Duration maxBackoff, long segmentBytes, Duration closeTimeout) {

    public SpoolOptions {
        if (batchSize < 1 || segmentBytes < 1) {
            throw new IllegalArgumentException("batchSize and segmentBytes must be positive");
        }
    }

    public static SpoolOptions defaults() {
        return new SpoolOptions(500, Duration.ofMillis(200), Duration.ofSeconds(5), 4L << 20, Duration.ofSeconds(10));
    }

    public SpoolOptions withBatchSize(int n) {
        return new SpoolOptions(n, batchInterval, maxBackoff, segmentBytes, closeTimeout);
    }

    public SpoolOptions withBatchInterval(Duration d) {
        return new SpoolOptions(batchSize, d, maxBackoff, segmentBytes, closeTimeout);
    }

    public SpoolOptions withMaxBackoff(Duration d) {
        return new SpoolOptions(batchSize, batchInterval, d, segmentBytes, closeTimeout);
    }

    public SpoolOptions withSegmentBytes(long n) {
        return new SpoolOptions(batchSize, batchInterval, maxBackoff, n, closeTimeout);
    }

    public SpoolOptions withCloseTimeout(Duration d) {
        return new SpoolOptions(batchSize, batchInterval, maxBackoff, segmentBytes, d);
    }
}
