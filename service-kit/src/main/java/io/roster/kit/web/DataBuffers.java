package io.roster.kit.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/** Request bodies as bytes. */
public final class DataBuffers {

    private DataBuffers() {
    }

    /** The buffer's readable bytes; the buffer is released, whatever happens. */
    public static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
