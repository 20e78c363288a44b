package io.kerasregistry.config;

import io.kerasregistry.storage.BlobContent;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies bound to {@code Resource} arrive as a stream (Spring's own converter would read them
 * into a byte array: a 10 GB model in the heap), and streamed responses are written by the stream
 * itself (model content: a verifying stream over a blob, whose verified chunks go to the servlet
 * container as direct buffers, never through a byte array).
 */
final class StreamingResourceConverter extends AbstractHttpMessageConverter<Resource> {

    StreamingResourceConverter() {
        super(MediaType.ALL);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return Resource.class.isAssignableFrom(clazz);
    }

    @Override
    public boolean canRead(Class<?> clazz, @Nullable MediaType mediaType) {
        return (clazz == Resource.class || clazz == InputStreamResource.class) && canRead(mediaType);
    }

    @Override
    public boolean canWrite(Class<?> clazz, @Nullable MediaType mediaType) {
        return clazz == InputStreamResource.class && canWrite(mediaType);
    }

    @Override
    protected Resource readInternal(Class<? extends Resource> clazz, HttpInputMessage inputMessage) throws IOException {
        return new InputStreamResource(inputMessage.getBody());
    }

    @Override
    protected void writeInternal(Resource resource, HttpOutputMessage outputMessage) throws IOException {
        OutputStream out = outputMessage.getBody();
        try (InputStream in = resource.getInputStream()) {
            if (in instanceof BlobContent.VerifiedStream blob && out instanceof ServletOutputStream servlet) {
                // the container copies each verified chunk from its direct buffer to the socket's
                blob.transferTo(servlet::write);
            } else {
                in.transferTo(out);
            }
        }
    }

    /** The controller sets Content-Length; a stream cannot tell it. */
    @Override
    protected @Nullable Long getContentLength(Resource resource, @Nullable MediaType contentType) {
        return null;
    }
}
