package io.kerasregistry.storage;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param path                where blobs live ({@code KERAS_REGISTRY_STORAGE_PATH})
 * @param orphanGracePeriod   how old a file without a database row must be before the scrub removes
 *                            it (an upload between its rename and its commit is not an orphan)
 * @param downloadVerification how a download checks the bytes it sends (docs/adr/0008)
 */
@ConfigurationProperties("keras-registry.storage")
public record StorageProperties(@DefaultValue("./data/blobs") Path path,
        @DefaultValue("1h") Duration orphanGracePeriod,
        @DefaultValue("chunks") DownloadVerification downloadVerification) {
}
