package io.kerasregistry.registry;

import io.kerasregistry.common.EntityTags;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.storage.BlobContent;
import io.kerasregistry.storage.BlobInfo;
import io.kerasregistry.storage.BlobStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Answers a request for a version's bytes: conditional requests, one byte range, HEAD, and the
 * headers a deployment pipeline checks (strong {@code ETag} and {@code Repr-Digest}, both the
 * SHA-256 of the whole content). Shared by every endpoint that serves model content.
 */
@Component
public class ContentResponses {

    private static final Pattern SINGLE_RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final BlobStore blobs;

    ContentResponses(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** Everything a content request carries that changes the answer. */
    public record Request(boolean head, @Nullable String range, @Nullable String ifNoneMatch,
            @Nullable String ifRange) {
    }

    public ResponseEntity<Resource> respond(ModelVersion version, Request request) {
        BlobInfo blob = blobs.find(version.blobSha256())
                .orElseThrow(() -> new RegistryException(ProblemType.BLOB_INTEGRITY,
                        "the blob of version " + version.version() + " has no record"));
        String etag = "\"" + blob.sha256() + "\"";
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(etag);
        headers.set("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(blob.sha256())) + ":");
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        headers.set(HttpHeaders.CACHE_CONTROL, "private, max-age=0, must-revalidate");
        headers.set("Keras-Registry-Version", Integer.toString(version.version()));
        if (request.ifNoneMatch() != null && EntityTags.matchesWeakly(request.ifNoneMatch(), etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).headers(headers).build();
        }
        String fileName = version.fileName() != null ? version.fileName()
                : version.modelName() + "-v" + version.version() + defaultExtension(version);
        headers.setContentDisposition(ContentDisposition.attachment().filename(fileName, StandardCharsets.UTF_8).build());
        headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);

        long size = blob.size();
        long first = 0;
        long last = size - 1;
        HttpStatus status = HttpStatus.OK;
        boolean rangeApplies = request.range() != null
                && (request.ifRange() == null || request.ifRange().trim().equals(etag));
        if (rangeApplies) {
            long[] range = parseRange(request.range(), size);
            if (range != null) {
                first = range[0];
                last = range[1];
                status = HttpStatus.PARTIAL_CONTENT;
                headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
            }
        }
        headers.setContentLength(last - first + 1);
        // Opening checks size now, so a missing or resized blob becomes a 500 problem before any byte.
        BlobContent content = blobs.open(blob);
        if (request.head()) {
            return ResponseEntity.status(status).headers(headers).build();
        }
        try {
            // Exactly InputStreamResource: Spring applies no range logic of its own to it.
            return ResponseEntity.status(status).headers(headers)
                    .body(new InputStreamResource(content.openStream(first, last)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String defaultExtension(ModelVersion version) {
        return switch (version.format()) {
            case KERAS_V3 -> ".keras";
            case KERAS_H5 -> ".h5";
            case KERAS_WEIGHTS_H5 -> ".weights.h5";
        };
    }

    /** {@code null} when the header is not one satisfiable single range we serve (then: whole content). */
    static long @Nullable [] parseRange(String header, long size) {
        Matcher m = SINGLE_RANGE.matcher(header.trim());
        if (!m.matches()) {
            // Several ranges or another unit: RFC 9110 lets us answer with the whole content.
            return null;
        }
        String from = m.group(1);
        String to = m.group(2);
        try {
            long first;
            long last;
            if (from.isEmpty()) {
                if (to.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(to);
                if (suffix == 0) {
                    throw unsatisfiable(size);
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(from);
                last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
                if (!to.isEmpty() && Long.parseLong(to) < first) {
                    return null;
                }
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            return new long[] {first, last};
        } catch (NumberFormatException tooLong) {
            throw unsatisfiable(size);
        }
    }

    private static RegistryException unsatisfiable(long size) {
        return new RegistryException(ProblemType.RANGE_NOT_SATISFIABLE,
                "the requested range lies outside the content of " + size + " bytes")
                .withHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
    }
}
