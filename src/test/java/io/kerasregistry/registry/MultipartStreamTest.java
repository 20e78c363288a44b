package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.common.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MultipartStreamTest {

    private static final String BOUNDARY = "XyZ-boundary";

    @Test
    void readsEveryPartWithItsNameFileNameAndBytes() throws IOException {
        byte[] body = body(part("file", "model.h5", bytes("HDF5 content")), part("architecture", "arch.json", bytes("{}")));

        List<Object[]> parts = readAll(new ByteArrayInputStream(body), 8192);

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).containsExactly("file", "model.h5", "HDF5 content");
        assertThat(parts.get(1)).containsExactly("architecture", "arch.json", "{}");
    }

    /** Bodies arrive in arbitrary network chunks; a delimiter split across reads must still be found. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void findsDelimitersWhateverTheChunkingAndContent(long seed) throws IOException {
        Random random = new Random(seed);
        byte[] first = new byte[random.nextInt(600_000)];
        random.nextBytes(first);
        // Content that looks like the start of a delimiter must come through unchanged.
        byte[] tricky = ("\r\n--" + BOUNDARY.substring(0, 5) + "\r\n-").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tricky, 0, first, first.length / 2 > tricky.length ? first.length / 2 : 0,
                Math.min(tricky.length, first.length));
        // ... and so must a whole delimiter but for its last byte, which a search from the end meets first.
        String almost = "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "#";
        byte[] nearMiss = almost.getBytes(StandardCharsets.ISO_8859_1);
        if (first.length > 3 * nearMiss.length) {
            System.arraycopy(nearMiss, 0, first, first.length / 3, nearMiss.length);
        }
        byte[] second = new byte[random.nextInt(1000)];
        random.nextBytes(second);
        byte[] body = body(part("file", "a.h5", first), part("architecture", "b.json", second));

        InputStream chunked = new ChunkedStream(body, random);
        List<Object[]> parts = readAllBytes(chunked, 1 + random.nextInt(70_000));

        assertThat(parts).hasSize(2);
        assertThat((byte[]) parts.get(0)[2]).isEqualTo(first);
        assertThat((byte[]) parts.get(1)[2]).isEqualTo(second);
    }

    static Stream<Arguments> seeds() {
        return IntStream.range(0, 40).mapToObj(i -> Arguments.of(1000L + i));
    }

    @Test
    void skipsAPreambleBeforeTheFirstDelimiter() throws IOException {
        byte[] body = concat(bytes("This is a preamble.\r\n"), body(part("file", "m.h5", bytes("x"))));

        assertThat(readAll(new ByteArrayInputStream(body), 100)).hasSize(1);
    }

    @Test
    void aBodyCutShortIsReportedNotTakenAsComplete() {
        byte[] body = body(part("file", "m.h5", new byte[100_000]));
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 40);

        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(truncated), 8192))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("cut short");
    }

    @Test
    void aPartWithoutANameIsRefused() {
        byte[] body = bytes("--" + BOUNDARY + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n");

        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(body), 10))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("without a name");
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertThat(MultipartStream.boundaryOf("multipart/form-data; boundary=\"a b\"")).isEqualTo("a b");
        assertThat(MultipartStream.boundaryOf("multipart/form-data;charset=utf-8; BOUNDARY=abc")).isEqualTo("abc");
        assertThatThrownBy(() -> MultipartStream.boundaryOf("multipart/form-data"))
                .isInstanceOf(RegistryException.class);
    }

    private static List<Object[]> readAll(InputStream in, int readSize) throws IOException {
        List<Object[]> parts = readAllBytes(in, readSize);
        parts.forEach(p -> p[2] = new String((byte[]) p[2], StandardCharsets.UTF_8));
        return parts;
    }

    private static List<Object[]> readAllBytes(InputStream in, int readSize) throws IOException {
        MultipartStream stream = new MultipartStream(in, BOUNDARY);
        List<Object[]> parts = new ArrayList<>();
        MultipartStream.Part part;
        while ((part = stream.next()) != null) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] buffer = new byte[readSize];
            int n;
            while ((n = part.body().read(buffer)) >= 0) {
                content.write(buffer, 0, n);
            }
            parts.add(new Object[] {part.name(), part.fileName(), content.toByteArray()});
        }
        return parts;
    }

    private static byte[] part(String name, String fileName, byte[] content) {
        return concat(bytes("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"), content, bytes("\r\n"));
    }

    private static byte[] body(byte[]... parts) {
        return concat(concat(parts), bytes("--" + BOUNDARY + "--\r\n"));
    }

    private static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns at most a random number of bytes per read, like a socket. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int position;

        ChunkedStream(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(5000)), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
