package io.kerasregistry.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param fourEyes a version must be approved by someone other than the one who uploaded it */
@ConfigurationProperties("keras-registry.approval")
record ApprovalProperties(@DefaultValue("false") boolean fourEyes) {
}
