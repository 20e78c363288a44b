package io.kerasregistry.config;

import java.util.List;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    /**
     * Tomcat moves a socket's bytes through per-connection buffers of 8 KB by default, so a 1 GiB
     * model crosses the kernel boundary in 131,072 reads on upload and as many writes on download.
     * Buffers of 256 KB cut those system calls 32-fold (docs/benchmarks.md). Direct buffers spare the
     * copy the JDK makes of a heap buffer for every socket read and write: verified download chunks
     * and upload bytes are copied once between our buffers and the kernel's. They cost 0.5 MB of native
     * memory per open connection, which {@code server.tomcat.max-connections} bounds.
     */
    @Bean
    TomcatConnectorCustomizer largeSocketBuffers() {
        return connector -> {
            connector.setProperty("socket.appReadBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
            connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
            connector.setProperty("socket.directBuffer", "true");
        };
    }

    private static final int SOCKET_BUFFER_BYTES = 256 * 1024;

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverterFactory(new GeneratedEnumConverters());
    }

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.add(0, new StreamingResourceConverter());
    }
}
