package io.kerasregistry.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The PostgreSQL started by the service itself when no {@code spring.datasource.url} is set.
 *
 * @param path     its data directory; kept across restarts
 * @param port     its port on 127.0.0.1; 0 picks a free one at each start
 * @param database the database the registry uses inside it
 */
@ConfigurationProperties("keras-registry.embedded-database")
record EmbeddedDatabaseProperties(@DefaultValue("./data/postgres") Path path, @DefaultValue("0") int port,
        @DefaultValue("keras_registry") String database) {
}
