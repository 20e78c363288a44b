package io.kerasregistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KerasRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(KerasRegistryApplication.class, args);
    }
}
