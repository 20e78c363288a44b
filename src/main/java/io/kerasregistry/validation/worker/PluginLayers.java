package io.kerasregistry.validation.worker;

import io.kerasregistry.inference.CustomLayer;
import io.kerasregistry.inference.InferenceException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Custom layers from the operator's plug-in jars, found with {@link ServiceLoader} as
 * {@link CustomLayer} implementations. Loaded only here, in a child JVM: plug-in code never runs in
 * the process serving the API. Only the class a model asks for is instantiated, so a plug-in whose
 * constructor fails or hangs costs only the jobs that use it, and their reports say why.
 */
final class PluginLayers {

    private final @Nullable ServiceLoader<CustomLayer> services;
    private final List<String> problems = new ArrayList<>();

    PluginLayers(@Nullable Path folder) {
        services = folder == null || !Files.isDirectory(folder) ? null : load(folder, problems);
    }

    private static @Nullable ServiceLoader<CustomLayer> load(Path folder, List<String> problems) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            problems.add("could not list plug-ins in " + folder + ": " + e.getMessage());
            return null;
        }
        ClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), CustomLayer.class.getClassLoader());
        return ServiceLoader.load(CustomLayer.class, loader);
    }

    /**
     * The plug-in class {@code className}, instantiated; empty when no jar declares it. A declared
     * class that cannot be loaded or constructed is an {@link InferenceException} naming the cause.
     */
    Optional<CustomLayer> find(String className) {
        if (services == null) {
            return Optional.empty();
        }
        Iterator<ServiceLoader.Provider<CustomLayer>> providers = services.stream().iterator();
        while (true) {
            ServiceLoader.Provider<CustomLayer> provider;
            try {
                if (!providers.hasNext()) {
                    return Optional.empty();
                }
                provider = providers.next();
            } catch (ServiceConfigurationError e) {
                // another jar's broken declaration: remembered for the report, not fatal to this one
                problems.add(e.getMessage());
                continue;
            }
            if (provider.type().getName().equals(className)) {
                try {
                    return Optional.of(provider.get());
                } catch (ServiceConfigurationError e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new InferenceException("plug-in class " + className + " could not be instantiated: "
                            + cause);
                }
            }
        }
    }

    /** Declarations in the plug-in folder that could not be read, met while looking classes up. */
    List<String> problems() {
        return List.copyOf(problems);
    }
}
