package io.kerasregistry.registry;

import io.kerasregistry.common.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code multipart/form-data} body (RFC 7578) read part by part as a stream, so an upload of any
 * size passes through a fixed buffer instead of being spooled by the servlet container first. Each
 * part's body must be read (or skipped) before asking for the next part.
 */
final class MultipartStream {

    private static final int BUFFER_SIZE = 256 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_PARTS = 16;

    private final InputStream in;
    private final byte[] delimiter;
    /** Horspool's bad-character shifts of {@link #delimiter}. */
    private final int[] shift = new int[256];
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int start;
    private int end;
    private boolean finished;
    private int parts;
    private @Nullable PartBody current;

    MultipartStream(InputStream in, String boundary) {
        if (boundary.isEmpty() || boundary.length() > 200) {
            throw RegistryException.invalid("multipart boundary must have 1 to 200 characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(shift, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            shift[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
    }

    /** The boundary parameter of a {@code multipart/form-data} content type. */
    static String boundaryOf(String contentType) {
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("boundary")) {
                return unquote(pair[1].trim());
            }
        }
        throw RegistryException.invalid("multipart/form-data request without a boundary parameter");
    }

    /** The next part, or {@code null} after the last one. */
    @Nullable Part next() throws IOException {
        if (current != null) {
            current.skipRest();
        } else if (parts == 0) {
            skipPreamble();
        }
        if (finished) {
            return null;
        }
        if (++parts > MAX_PARTS) {
            throw RegistryException.invalid("multipart body has more than " + MAX_PARTS + " parts");
        }
        Map<String, String> headers = readHeaders();
        String disposition = headers.getOrDefault("content-disposition", "");
        String name = dispositionParameter(disposition, "name");
        if (name == null) {
            throw RegistryException.invalid("multipart part without a name in its Content-Disposition");
        }
        current = new PartBody();
        return new Part(name, dispositionParameter(disposition, "filename"), headers.get("content-type"), current);
    }

    record Part(String name, @Nullable String fileName, @Nullable String contentType, InputStream body) {
    }

    private void skipPreamble() throws IOException {
        // The first delimiter may start the body directly, without the CRLF that precedes later ones.
        fill(delimiter.length);
        if (end - start >= delimiter.length - 2
                && Arrays.equals(buffer, start, start + delimiter.length - 2, delimiter, 2, delimiter.length)) {
            start += delimiter.length - 2;
        } else {
            new PartBody().skipRest();
            if (finished) {
                throw RegistryException.invalid("multipart body has no parts");
            }
            return;
        }
        afterDelimiter();
    }

    /** After a delimiter: {@code --} ends the body, CRLF starts another part. */
    private void afterDelimiter() throws IOException {
        fill(2);
        if (end - start < 2) {
            throw RegistryException.invalid("multipart body ends without its closing delimiter");
        }
        if (buffer[start] == '-' && buffer[start + 1] == '-') {
            finished = true;
        } else if (buffer[start] != '\r' || buffer[start + 1] != '\n') {
            throw RegistryException.invalid("multipart delimiter is not followed by a line break");
        }
        start += 2;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int consumed = 0;
        while (true) {
            String line = readLine();
            consumed += line.length() + 2;
            if (consumed > MAX_HEADER_BYTES) {
                throw RegistryException.invalid("multipart part headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            fill(2);
            if (end - start < 2) {
                throw RegistryException.invalid("multipart body ends inside a part's headers");
            }
            if (buffer[start] == '\r' && buffer[start + 1] == '\n') {
                start += 2;
                return line.toString();
            }
            line.append((char) (buffer[start++] & 0xff));
            if (line.length() > MAX_HEADER_BYTES) {
                throw RegistryException.invalid("multipart part header line exceeds " + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    /** Tries to have at least {@code wanted} unread bytes buffered; fewer only at end of input. */
    private void fill(int wanted) throws IOException {
        if (end - start >= wanted) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end < wanted) {
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                return;
            }
            end += n;
        }
    }

    private static @Nullable String dispositionParameter(String disposition, String parameter) {
        for (String piece : disposition.split(";")) {
            String[] pair = piece.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase(parameter)) {
                return unquote(pair[1].trim());
            }
        }
        return null;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    /** One part's body: the bytes up to the next delimiter. */
    private final class PartBody extends InputStream {

        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            fill(delimiter.length + 1);
            int available = end - start;
            // Scanning only what this read can return keeps small reads from rescanning the buffer.
            int window = (int) Math.min(available, (long) length + delimiter.length);
            int match = indexOfDelimiter(window);
            if (match == 0) {
                start += delimiter.length;
                done = true;
                afterDelimiter();
                return -1;
            }
            int safe;
            if (match > 0) {
                safe = match;
            } else if (available < delimiter.length) {
                throw RegistryException.invalid("multipart body ends inside a part; the upload was cut short");
            } else {
                // the tail could be the start of a delimiter split across reads: keep it buffered
                safe = window - delimiter.length + 1;
            }
            int n = Math.min(length, safe);
            System.arraycopy(buffer, start, target, offset, n);
            start += n;
            return n;
        }

        /**
         * The offset of the first delimiter in the next {@code available} buffered bytes, or -1. A
         * Boyer–Moore–Horspool search: it looks at one byte per delimiter length in model weights,
         * where a byte-by-byte scan for the delimiter's first byte stops at every CR.
         */
        private int indexOfDelimiter(int available) {
            int length = delimiter.length;
            int lastByte = length - 1;
            byte tail = delimiter[lastByte];
            int i = 0;
            int last = available - length;
            while (i <= last) {
                byte b = buffer[start + i + lastByte];
                if (b == tail && Arrays.equals(buffer, start + i, start + i + lastByte, delimiter, 0, lastByte)) {
                    return i;
                }
                i += shift[b & 0xff];
            }
            return -1;
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }
    }
}
