package io.kerasregistry.config;

import io.kerasregistry.common.ProblemDocuments;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps the body of every request except the two that carry files (a model upload and reference
 * vectors), which stream to disk under {@code keras-registry.upload.*} instead. Without it a JSON body
 * is read into memory whole: a client could make the service parse gigabytes to register a custom
 * object. A declared {@code Content-Length} over the limit is refused before a byte is read; a body
 * sent without one is cut off at the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
@EnableConfigurationProperties(RequestLimits.class)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    private static final Pattern UPLOAD = Pattern.compile("/api/v1/models/[^/]+/versions");
    private static final Pattern REFERENCE = Pattern.compile("/api/v1/models/[^/]+/versions/[^/]+/reference");

    private final long maxBytes;
    private final JsonMapper json;

    RequestBodyLimitFilter(RequestLimits limits, JsonMapper json) {
        this.maxBytes = limits.maxBodySize().toBytes();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod();
        return method.equals("POST") && UPLOAD.matcher(path).matches()
                || method.equals("PUT") && REFERENCE.matcher(path).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            // the body is not read: Tomcat drops the connection rather than swallow more than it allows
            response.setHeader("Connection", "close");
            ProblemDocuments.write(response, ProblemDocuments.of(ProblemType.REQUEST_TOO_LARGE,
                    tooLarge("of " + declared + " bytes"), request.getRequestURI()), json);
            return;
        }
        chain.doFilter(new Limited(request, maxBytes), response);
    }

    private String tooLarge(String size) {
        return "request body " + size + " is larger than the limit of " + maxBytes
                + " bytes (keras-registry.request.max-body-size); model files are uploaded to "
                + "POST /api/v1/models/{name}/versions";
    }

    /** The request with a body stream that fails once it has delivered more than the limit. */
    private final class Limited extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                // unchecked, so that no JSON parser turns it into a 400 on the way up
                throw new RegistryException(ProblemType.REQUEST_TOO_LARGE, tooLarge("sent without a length"));
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
