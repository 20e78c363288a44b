package io.kerasregistry.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxFileSize         the largest model file accepted
 * @param maxArchitectureSize the largest architecture JSON accepted with a weights-only file
 * @param maxReferenceSize    the largest reference-vectors JSON accepted
 */
@ConfigurationProperties("keras-registry.upload")
record UploadLimits(@DefaultValue("20GB") DataSize maxFileSize, @DefaultValue("64MB") DataSize maxArchitectureSize,
        @DefaultValue("256MB") DataSize maxReferenceSize) {
}
