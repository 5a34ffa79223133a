package dev.gantry.account;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array the spool encodes a whole group into, so the group reaches the file in
 * one write. Unlike {@code ByteArrayOutputStream} it exposes its array (no copy per group) and
 * lets a line's checksum be patched in after the line was written.
 */
final class LineBuffer extends OutputStream {

    private byte[] bytes;
    private int size;

    LineBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    byte[] array() {
        return bytes;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
