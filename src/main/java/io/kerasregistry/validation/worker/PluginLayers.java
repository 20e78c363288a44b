package io.kerasregistry.validation.worker;

import io.kerasregistry.inference.CustomLayer;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Custom layers from the operator's plug-in jars, found with {@link ServiceLoader} as
 * {@link CustomLayer} implementations. Loaded only here, in a child JVM: plug-in code never runs in
 * the process serving the API.
 */
final class PluginLayers {

    private final Map<String, CustomLayer> byClassName = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    PluginLayers(@Nullable Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            problems.add("could not list plug-ins in " + folder + ": " + e.getMessage());
            return;
        }
        ClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), CustomLayer.class.getClassLoader());
        ServiceLoader<CustomLayer> services = ServiceLoader.load(CustomLayer.class, loader);
        var iterator = services.iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                CustomLayer layer = iterator.next();
                byClassName.put(layer.getClass().getName(), layer);
            } catch (ServiceConfigurationError e) {
                problems.add(e.getMessage());
            }
        }
    }

    Optional<CustomLayer> find(String className) {
        return Optional.ofNullable(byClassName.get(className));
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
