package io.kerasregistry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The deployment files of the repository, read as the tests see them (Maven runs in the basedir). */
final class DeployFiles {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
    static final Path DOCKERIGNORE = ROOT.resolve(".dockerignore");
    static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
    static final Path GITIGNORE = ROOT.resolve(".gitignore");
    static final Path JVM_OPTIONS = ROOT.resolve("src/main/docker/jvm.options");
    static final Path CHART = ROOT.resolve("helm/keras-registry");
    static final Path CHART_VALUES = CHART.resolve("values.yaml");
    static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");
    static final Path DEPLOY_DOC = ROOT.resolve("docs/deploy.md");

    /**
     * The settings of the runtime interface that every way of running the service must be able to
     * set (docs/deploy.md, Compose, the chart).
     */
    static final List<String> SETTINGS = List.of(
            "KERAS_REGISTRY_ROLE",
            "SPRING_DATASOURCE_URL",
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "KERAS_REGISTRY_STORAGE_PATH",
            "KERAS_REGISTRY_PLUGINS_PATH",
            "KERAS_REGISTRY_ADMIN_TOKEN",
            "KERAS_REGISTRY_SECURITY_ANONYMOUS_READ",
            "KERAS_REGISTRY_APPROVAL_FOUR_EYES",
            "KERAS_REGISTRY_VALIDATION_WORKERS",
            "KERAS_REGISTRY_VALIDATION_TIMEOUT",
            "KERAS_REGISTRY_VALIDATION_WORKER_HEAP",
            "KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP",
            "KERAS_REGISTRY_UPLOAD_MAX_FILE_SIZE",
            "LOG_FORMAT",
            "JAVA_OPTS");

    private DeployFiles() {
    }

    static String read(Path file) {
        assertThat(file).as("%s must exist", ROOT.relativize(file)).isRegularFile();
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    static Map<String, Object> loadYaml(Path file) {
        return yaml().load(read(file));
    }

    /** The options of a Java argument file, without comments and blank lines. */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String line : read(JVM_OPTIONS).split("\n")) {
            String option = line.replaceFirst("#.*", "").strip();
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    /** {@code -Dname=value} and {@code -XX:Name=value} options of jvm.options as a map. */
    static Map<String, String> jvmOptionValues() {
        Map<String, String> values = new LinkedHashMap<>();
        Pattern pattern = Pattern.compile("(-D[^=]+|-XX:[A-Za-z]+)=(.*)");
        for (String option : jvmOptions()) {
            Matcher m = pattern.matcher(option);
            if (m.matches()) {
                values.put(m.group(1), m.group(2));
            } else {
                values.put(option, "");
            }
        }
        return values;
    }

    /** A value of a nested map: {@code dig(doc, "spec", "template", "spec")}. */
    @SuppressWarnings("unchecked")
    static <T> T dig(Object node, Object... path) {
        Object current = node;
        for (Object key : path) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof List<?> list && key instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return (T) current;
    }

    /**
     * A memory size in bytes: Kubernetes quantities (6Gi binary, 6G decimal), JVM and Docker sizes
     * (1g, 512m: binary).
     */
    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)([kKmMgGtT])?(i)?").matcher(quantity.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory size: " + quantity);
        }
        double number = Double.parseDouble(m.group(1));
        if (m.group(2) == null) {
            return (long) number;
        }
        String unit = m.group(2);
        int power = "kmgt".indexOf(unit.toLowerCase()) + 1;
        boolean decimal = m.group(3) == null && Character.isUpperCase(unit.charAt(0)) && !unit.equals("K");
        return (long) (number * Math.pow(decimal ? 1000 : 1024, power));
    }
}
