package io.kerasregistry.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxBodySize the largest body of a request that is not a file upload (JSON, mostly); uploads
 *                    have their own limits under {@code keras-registry.upload}
 */
@ConfigurationProperties("keras-registry.request")
record RequestLimits(@DefaultValue("1MB") DataSize maxBodySize) {
}
