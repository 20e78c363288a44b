package io.kerasregistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

// Tokens are the only credentials: no generated in-memory user and password.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class KerasRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(KerasRegistryApplication.class, args);
    }
}
