package io.kerasregistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KerasRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(KerasRegistryApplication.class, args);
    }
}
