package io.kerasregistry.deploy;

import static io.kerasregistry.deploy.DeployFiles.dig;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Renders helm/keras-registry with the helm bundled in helm-java (no cluster) and parses the result. */
final class Chart {

    static final String RELEASE = "registry";

    /** The values every installation must give; with them the defaults render. */
    static final Map<String, Object> REQUIRED = Map.of(
            "database.url", "jdbc:postgresql://postgres.test:5432/keras_registry",
            "adminToken.value", "test-admin-token");

    private Chart() {
    }

    /** The manifests for the chart's defaults plus {@link #REQUIRED} plus {@code sets}. */
    static Manifests render(Map<String, Object> sets, Path... valuesFiles) {
        Map<String, Object> all = new LinkedHashMap<>(REQUIRED);
        all.putAll(sets);
        return renderExactly(all, valuesFiles);
    }

    static Manifests renderExactly(Map<String, Object> sets, Path... valuesFiles) {
        TemplateCommand template = new Helm(DeployFiles.CHART).template().withName(RELEASE).withNamespace("models");
        for (Path file : valuesFiles) {
            template = template.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        String yaml = template.call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : DeployFiles.yaml().loadAll(yaml)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = (Map<String, Object>) doc;
                docs.add(manifest);
            }
        }
        return new Manifests(yaml, docs);
    }

    /** The message of a rendering that must fail. */
    static String renderError(Map<String, Object> sets) {
        try {
            renderExactly(sets);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("rendering with " + sets + " should have failed");
    }

    record Manifests(String yaml, List<Map<String, Object>> docs) {

        List<Map<String, Object>> ofKind(String kind) {
            return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = docs.stream()
                    .filter(d -> kind.equals(d.get("kind")) && name.equals(dig(d, "metadata", "name"))).toList();
            assertThat(found).as("%s %s", kind, name).hasSize(1);
            return found.get(0);
        }

        boolean has(String kind, String name) {
            return docs.stream().anyMatch(d -> kind.equals(d.get("kind")) && name.equals(dig(d, "metadata", "name")));
        }

        Map<String, Object> server() {
            return one("Deployment", RELEASE + "-keras-registry");
        }

        Map<String, Object> worker() {
            return one("Deployment", RELEASE + "-keras-registry-worker");
        }

        List<String> kinds() {
            return docs.stream().map(d -> d.get("kind") + "/" + dig(d, "metadata", "name")).toList();
        }
    }

    // --- pod helpers ---

    static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return Objects.requireNonNull(dig(deployment, "spec", "template", "spec"));
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = dig(podSpec(deployment), "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    /** The container's env entries by name (the values are the entries, with value or valueFrom). */
    static Map<String, Map<String, Object>> env(Map<String, Object> deployment) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        List<Map<String, Object>> entries = dig(container(deployment), "env");
        for (Map<String, Object> entry : entries) {
            assertThat(env.put((String) entry.get("name"), entry)).as("env %s set twice", entry.get("name")).isNull();
        }
        return env;
    }

    static String envValue(Map<String, Object> deployment, String name) {
        Map<String, Object> entry = env(deployment).get(name);
        return entry == null ? null : (String) entry.get("value");
    }

    /** Every variable the container gets: its env plus the keys of the ConfigMaps it takes whole. */
    static Map<String, String> effectiveEnv(Manifests manifests, Map<String, Object> deployment) {
        Map<String, String> all = new LinkedHashMap<>();
        List<Map<String, Object>> envFrom = dig(container(deployment), "envFrom");
        for (Map<String, Object> source : envFrom) {
            String configMap = dig(source, "configMapRef", "name");
            Map<String, Object> data = dig(manifests.one("ConfigMap", configMap), "data");
            data.forEach((k, v) -> all.put(k, String.valueOf(v)));
        }
        env(deployment).forEach((name, entry) -> all.put(name,
                entry.containsKey("value") ? String.valueOf(entry.get("value")) : "<from " + entry.get("valueFrom") + ">"));
        return all;
    }

    static Map<String, Map<String, Object>> volumes(Map<String, Object> deployment) {
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        List<Map<String, Object>> list = dig(podSpec(deployment), "volumes");
        list.forEach(v -> volumes.put((String) v.get("name"), v));
        return volumes;
    }

    /** mountPath → volume name. */
    static Map<String, Map<String, Object>> mounts(Map<String, Object> deployment) {
        Map<String, Map<String, Object>> mounts = new LinkedHashMap<>();
        List<Map<String, Object>> list = dig(container(deployment), "volumeMounts");
        list.forEach(m -> mounts.put((String) m.get("mountPath"), m));
        return mounts;
    }
}
