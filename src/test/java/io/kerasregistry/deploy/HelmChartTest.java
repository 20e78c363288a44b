package io.kerasregistry.deploy;

import static io.kerasregistry.deploy.Chart.container;
import static io.kerasregistry.deploy.Chart.effectiveEnv;
import static io.kerasregistry.deploy.Chart.env;
import static io.kerasregistry.deploy.Chart.envValue;
import static io.kerasregistry.deploy.Chart.mounts;
import static io.kerasregistry.deploy.Chart.podSpec;
import static io.kerasregistry.deploy.Chart.volumes;
import static io.kerasregistry.deploy.DeployFiles.dig;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import io.kerasregistry.deploy.Chart.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * helm/keras-registry lints, renders for its defaults (plus the two required values) and for
 * ci/production-values.yaml, and what it renders is what the service needs: probes, a locked-down
 * security context, writable emptyDirs for exactly the folders jvm.options points at, the settings,
 * the worker Deployment, pods that roll on configuration changes. Values that cannot work fail
 * with a message naming the value.
 */
class HelmChartTest {

    private static final String SERVER = Chart.RELEASE + "-keras-registry";
    private static final String WORKER = SERVER + "-worker";

    static Manifests defaults;
    static Manifests production;

    @BeforeAll
    static void render() {
        defaults = Chart.render(Map.of());
        production = Chart.render(Map.of(), DeployFiles.PRODUCTION_VALUES);
    }

    @Test
    void lintsWithoutWarnings() {
        LintResult lint = new Helm(DeployFiles.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultsRenderOneServerInRoleAllWithItsClaimSecretAndSettings() {
        assertThat(defaults.kinds()).containsExactlyInAnyOrder(
                "ServiceAccount/" + SERVER, "Secret/" + SERVER, "ConfigMap/" + SERVER,
                "PersistentVolumeClaim/" + SERVER + "-blobs", "Service/" + SERVER, "Deployment/" + SERVER);
        Map<String, Object> server = defaults.server();
        assertThat(envValue(server, "KERAS_REGISTRY_ROLE")).isEqualTo("all");
        assertThat(envValue(server, "KERAS_REGISTRY_VALIDATION_WORKERS")).isEqualTo("1");
        assertThat((Object) dig(server, "spec", "replicas")).isEqualTo(1);
        // a ReadWriteOnce claim cannot attach to a second pod during a rolling update
        assertThat((Object) dig(server, "spec", "strategy", "type")).isEqualTo("Recreate");

        Map<String, Object> claim = defaults.one("PersistentVolumeClaim", SERVER + "-blobs");
        assertThat((List<Object>) dig(claim, "spec", "accessModes")).containsExactly("ReadWriteOnce");
        assertThat((Object) dig(claim, "metadata", "annotations", "helm.sh/resource-policy")).isEqualTo("keep");
        assertThat((Object) dig(volumes(server).get("blobs"), "persistentVolumeClaim", "claimName")).isEqualTo(SERVER + "-blobs");

        Map<String, Object> secret = defaults.one("Secret", SERVER);
        assertThat((Map<String, Object>) secret.get("data")).containsOnlyKeys("admin-token");
        assertThat(env(server)).doesNotContainKey("SPRING_DATASOURCE_PASSWORD");
        assertThat((Object) dig(env(server).get("KERAS_REGISTRY_ADMIN_TOKEN"), "valueFrom", "secretKeyRef"))
                .isEqualTo(Map.of("name", SERVER, "key", "admin-token"));

        Map<String, Object> config = dig(defaults.one("ConfigMap", SERVER), "data");
        assertThat(config).containsEntry("SPRING_DATASOURCE_URL", Chart.REQUIRED.get("database.url"))
                .containsEntry("SPRING_DATASOURCE_USERNAME", "keras_registry")
                .containsEntry("KERAS_REGISTRY_SECURITY_ANONYMOUS_READ", "false")
                .containsEntry("KERAS_REGISTRY_APPROVAL_FOUR_EYES", "false")
                .containsEntry("KERAS_REGISTRY_VALIDATION_TIMEOUT", "120s")
                .containsEntry("KERAS_REGISTRY_VALIDATION_WORKER_HEAP", "1g")
                .containsEntry("KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP", "2g")
                .containsEntry("KERAS_REGISTRY_UPLOAD_MAX_FILE_SIZE", "20GB")
                .containsEntry("LOG_FORMAT", "json");
    }

    @Test
    void productionValuesSplitApiAndWorkersAndTakeSecretsFromExistingSecrets() {
        assertThat(production.kinds()).contains("Deployment/" + SERVER, "Deployment/" + WORKER,
                "Service/" + WORKER, "Ingress/" + SERVER, "ServiceMonitor/" + SERVER);
        assertThat(production.ofKind("Secret")).as("both secrets come from existing Secrets").isEmpty();

        Map<String, Object> server = production.server();
        Map<String, Object> worker = production.worker();
        assertThat(envValue(server, "KERAS_REGISTRY_ROLE")).isEqualTo("api");
        assertThat(env(server)).as("an api pod runs no validation").doesNotContainKey("KERAS_REGISTRY_VALIDATION_WORKERS");
        assertThat(envValue(worker, "KERAS_REGISTRY_ROLE")).isEqualTo("worker");
        assertThat(envValue(worker, "KERAS_REGISTRY_VALIDATION_WORKERS")).isEqualTo("2");
        assertThat((Object) dig(worker, "spec", "replicas")).isEqualTo(3);
        assertThat((Object) dig(container(worker), "resources", "limits", "memory")).isEqualTo("9Gi");
        assertThat((Object) dig(container(server), "resources", "limits", "memory")).isEqualTo("2Gi");
        assertThat((Object) dig(server, "spec", "strategy", "type")).isEqualTo("RollingUpdate");

        for (Map<String, Object> deployment : List.of(server, worker)) {
            assertThat((Object) dig(env(deployment).get("SPRING_DATASOURCE_PASSWORD"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", "keras-registry-db", "key", "password"));
            assertThat((Object) dig(env(deployment).get("KERAS_REGISTRY_ADMIN_TOKEN"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", "keras-registry-admin", "key", "token"));
            assertThat(mounts(deployment).get("/opt/keras-registry/plugins")).containsEntry("readOnly", true);
            assertThat((Object) dig(volumes(deployment).get("plugins"), "persistentVolumeClaim", "claimName"))
                    .isEqualTo("keras-registry-plugins");
            assertThat((Object) dig(volumes(deployment).get("blobs"), "persistentVolumeClaim", "claimName"))
                    .as("API and workers share one blob claim").isEqualTo(SERVER + "-blobs");
        }
        assertThat((List<Object>) dig(production.one("PersistentVolumeClaim", SERVER + "-blobs"), "spec", "accessModes"))
                .containsExactly("ReadWriteMany");
    }

    /** Every Deployment the two renderings produce: (name, manifests, deployment). */
    static Stream<Arguments> deployments() {
        return Stream.of(
                Arguments.of("default server", defaults, defaults.server()),
                Arguments.of("production server", production, production.server()),
                Arguments.of("production worker", production, production.worker()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void probesUseLivezAndReadyzWithAStartupBudgetForNativeUnpacking(String name, Manifests manifests,
            Map<String, Object> deployment) {
        Map<String, Object> c = container(deployment);
        assertThat((Object) dig(c, "ports", 0, "containerPort")).isEqualTo(8080);
        assertThat((Object) dig(c, "ports", 0, "name")).isEqualTo("http");
        assertThat((Object) dig(c, "livenessProbe", "httpGet", "path")).isEqualTo("/livez");
        assertThat((Object) dig(c, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
        assertThat((Object) dig(c, "startupProbe", "httpGet", "path")).isEqualTo("/livez");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat((Object) dig(c, probe, "httpGet", "port")).isEqualTo("http");
        }
        int startupSeconds = (int) dig(c, "startupProbe", "periodSeconds") * (int) dig(c, "startupProbe", "failureThreshold");
        assertThat(startupSeconds).as("startup budget (first ND4J native unpacking ~400 MB)").isGreaterThanOrEqualTo(300);
        int livenessSeconds = (int) dig(c, "livenessProbe", "periodSeconds") * (int) dig(c, "livenessProbe", "failureThreshold");
        assertThat(livenessSeconds).as("liveness tolerates a long GC pause").isGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void podsRunAsTheImageUserWithAReadOnlyRootAndNoPrivileges(String name, Manifests manifests,
            Map<String, Object> deployment) {
        Map<String, Object> pod = podSpec(deployment);
        Map<String, Object> c = container(deployment);
        String imageUid = DockerfileTest.finalUser().split(":")[0];
        assertThat((Object) dig(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat(String.valueOf((Object) dig(pod, "securityContext", "runAsUser"))).isEqualTo(imageUid);
        assertThat(String.valueOf((Object) dig(pod, "securityContext", "fsGroup"))).as("blob volume writable").isEqualTo(imageUid);
        assertThat((Object) dig(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat((Object) dig(c, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat((Object) dig(c, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat((Object) dig(c, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat((List<Object>) dig(c, "securityContext", "capabilities", "drop")).containsExactly("ALL");
        assertThat((Object) dig(c, "securityContext", "capabilities", "add")).isNull();
        assertThat((Object) dig(c, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat((Object) dig(pod, "automountServiceAccountToken")).isEqualTo(false);
        assertThat((Object) dig(pod, "serviceAccountName")).isEqualTo(SERVER);
        // Kubernetes would otherwise inject KERAS_REGISTRY_PORT=tcp://... for a Service named keras-registry
        assertThat((Object) dig(pod, "enableServiceLinks")).isEqualTo(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void everyFolderTheJvmWritesIsAnEmptyDirAndBlobsAreTheSharedVolume(String name, Manifests manifests,
            Map<String, Object> deployment) {
        Map<String, String> jvm = DeployFiles.jvmOptionValues();
        Map<String, String> settings = effectiveEnv(manifests, deployment);
        Map<String, Map<String, Object>> mounts = mounts(deployment);
        Map<String, Map<String, Object>> volumes = volumes(deployment);

        for (String folder : List.of(jvm.get("-Djava.io.tmpdir"), jvm.get("-Dorg.bytedeco.javacpp.cachedir"))) {
            Map<String, Object> mount = mounts.get(folder);
            assertThat(mount).as("a writable mount at %s (read-only root file system)", folder).isNotNull();
            assertThat(mount.get("readOnly")).isNotEqualTo(true);
            Map<String, Object> volume = volumes.get((String) mount.get("name"));
            assertThat(volume).containsKey("emptyDir");
            assertThat((Object) dig(volume, "emptyDir", "sizeLimit")).isNotNull();
        }
        assertThat(DeployFiles.bytes(dig(volumes.get(mounts.get(jvm.get("-Dorg.bytedeco.javacpp.cachedir")).get("name")),
                "emptyDir", "sizeLimit"))).as("room for ND4J's ~400 MB of natives").isGreaterThan(DeployFiles.bytes("512Mi"));

        String blobs = settings.get("KERAS_REGISTRY_STORAGE_PATH");
        assertThat(blobs).isEqualTo(DockerfileTest.finalStage().env().get("KERAS_REGISTRY_STORAGE_PATH"));
        assertThat((Object) dig(volumes.get((String) mounts.get(blobs).get("name")), "persistentVolumeClaim", "claimName"))
                .isEqualTo(SERVER + "-blobs");
        assertThat(settings.get("KERAS_REGISTRY_PLUGINS_PATH"))
                .isEqualTo(DockerfileTest.finalStage().env().get("KERAS_REGISTRY_PLUGINS_PATH"));
        assertThat(mounts.keySet()).as("nothing else is writable").allMatch(path -> path.equals(blobs)
                || path.equals(jvm.get("-Djava.io.tmpdir")) || path.equals(jvm.get("-Dorg.bytedeco.javacpp.cachedir"))
                || Boolean.TRUE.equals(mounts.get(path).get("readOnly")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void containersGetEverySettingOfTheRuntimeInterface(String name, Manifests manifests, Map<String, Object> deployment) {
        Map<String, String> settings = effectiveEnv(manifests, deployment);
        String role = settings.get("KERAS_REGISTRY_ROLE");
        for (String setting : DeployFiles.SETTINGS) {
            if (setting.equals("KERAS_REGISTRY_VALIDATION_WORKERS") && role.equals("api")
                    || setting.equals("SPRING_DATASOURCE_PASSWORD") && name.equals("default server")) {
                continue; // an api pod runs no validation; the defaults give no password (checked above)
            }
            assertThat(settings).as("%s in role %s", setting, role).containsKey(setting);
        }
        assertThat(settings.keySet()).allMatch(k -> DeployFiles.SETTINGS.contains(k),
                "only settings of the runtime interface (a typo would be silently ignored by the service)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void theMemoryLimitHoldsTheHeapShareAndEveryValidationChild(String name, Manifests manifests,
            Map<String, Object> deployment) {
        Map<String, String> settings = effectiveEnv(manifests, deployment);
        long limit = DeployFiles.bytes(dig(container(deployment), "resources", "limits", "memory"));
        assertThat(DeployFiles.bytes(dig(container(deployment), "resources", "requests", "memory")))
                .as("memory request = limit: validation needs the memory it is promised").isEqualTo(limit);
        assertThat(Memory.fits(limit, settings)).as(Memory.explain(limit, settings)).isTrue();
    }

    @Test
    void theServiceSendsApiTrafficToServerPodsOnlyAndTheServiceMonitorScrapesAllPods() {
        Map<String, Object> service = production.one("Service", SERVER);
        Map<String, Object> selector = dig(service, "spec", "selector");
        Map<String, Object> serverLabels = dig(production.server(), "spec", "template", "metadata", "labels");
        Map<String, Object> workerLabels = dig(production.worker(), "spec", "template", "metadata", "labels");
        assertThat(serverLabels).containsAllEntriesOf(selector);
        assertThat(workerLabels).as("workers get no API traffic").isNotEqualTo(null)
                .matches(labels -> !labels.entrySet().containsAll(selector.entrySet()));
        assertThat((Object) dig(service, "spec", "ports", 0, "targetPort")).isEqualTo("http");
        for (Map<String, Object> deployment : List.of(production.server(), production.worker())) {
            assertThat((Map<String, Object>) dig(deployment, "spec", "template", "metadata", "labels"))
                    .containsAllEntriesOf(dig(deployment, "spec", "selector", "matchLabels"));
        }

        Map<String, Object> monitor = production.one("ServiceMonitor", SERVER);
        assertThat((Object) monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat((Object) dig(monitor, "spec", "endpoints", 0, "path")).isEqualTo("/actuator/prometheus");
        assertThat((Object) dig(monitor, "spec", "endpoints", 0, "port")).isEqualTo("http");
        assertThat((Object) dig(monitor, "metadata", "labels", "release")).isEqualTo("prometheus");
        Map<String, Object> monitorSelector = dig(monitor, "spec", "selector", "matchLabels");
        for (String serviceName : List.of(SERVER, WORKER)) {
            Map<String, Object> s = production.one("Service", serviceName);
            assertThat((Map<String, Object>) dig(s, "metadata", "labels")).as(serviceName).containsAllEntriesOf(monitorSelector);
            assertThat((Object) dig(s, "spec", "ports", 0, "name")).isEqualTo("http");
        }
        assertThat((Object) dig(production.one("Service", WORKER), "spec", "clusterIP")).isEqualTo("None");

        Map<String, Object> ingress = production.one("Ingress", SERVER);
        assertThat((Object) dig(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service"))
                .isEqualTo(Map.of("name", SERVER, "port", Map.of("name", "http")));
        assertThat((Object) dig(ingress, "spec", "tls", 0, "secretName")).isEqualTo("models-example-com-tls");
    }

    /** One value changed → which checksum annotations must change, which must stay. */
    static Stream<Arguments> configurationChanges() {
        return Stream.of(
                Arguments.of("config.validation.timeout", "300s", true, false),
                Arguments.of("database.url", "jdbc:postgresql://elsewhere:5432/keras_registry", true, false),
                Arguments.of("config.anonymousRead", "true", true, false),
                Arguments.of("adminToken.value", "another-token", false, true),
                Arguments.of("database.password", "a-password", false, true),
                Arguments.of("replicaCount", "1", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurationChanges")
    void podsRollWhenTheirConfigurationOrSecretChanges(String key, String value, boolean configChanges,
            boolean secretChanges) {
        Map<String, Object> before = dig(defaults.server(), "spec", "template", "metadata", "annotations");
        Map<String, Object> after = dig(Chart.render(Map.of(key, value)).server(), "spec", "template", "metadata", "annotations");
        assertThat((String) before.get("checksum/config")).matches("[0-9a-f]{64}");
        assertThat((String) before.get("checksum/secret")).matches("[0-9a-f]{64}");
        assertThat(after.get("checksum/config").equals(before.get("checksum/config"))).as("config checksum unchanged")
                .isEqualTo(!configChanges);
        assertThat(after.get("checksum/secret").equals(before.get("checksum/secret"))).as("secret checksum unchanged")
                .isEqualTo(!secretChanges);
    }

    @Test
    void anExistingClaimReplacesTheChartsClaim() {
        Manifests manifests = Chart.render(Map.of("persistence.existingClaim", "models-nfs",
                "persistence.accessMode", "ReadWriteMany", "worker.enabled", true));
        assertThat(manifests.ofKind("PersistentVolumeClaim")).isEmpty();
        for (Map<String, Object> deployment : List.of(manifests.server(), manifests.worker())) {
            assertThat((Object) dig(volumes(deployment).get("blobs"), "persistentVolumeClaim", "claimName")).isEqualTo("models-nfs");
        }
        assertThat((Object) dig(manifests.server(), "spec", "strategy", "type")).isEqualTo("RollingUpdate");
    }

    @Test
    void withoutPersistenceASinglePodKeepsBlobsInAnEmptyDir() {
        Manifests manifests = Chart.render(Map.of("persistence.enabled", false));
        assertThat(manifests.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(volumes(manifests.server()).get("blobs")).containsKey("emptyDir");
    }

    /** Values that cannot work, and the words the failure must contain. */
    static Stream<Arguments> invalidValues() {
        String url = (String) Chart.REQUIRED.get("database.url");
        return Stream.of(
                Arguments.of("no database URL", Map.of("adminToken.value", "t"), "database.url is required"),
                Arguments.of("not a PostgreSQL JDBC URL", Map.of("adminToken.value", "t", "database.url", "postgres://db/x"),
                        "database.url must be a PostgreSQL JDBC URL"),
                Arguments.of("no admin token", Map.of("database.url", url), "an admin token is required"),
                Arguments.of("two servers on ReadWriteOnce", Map.of("database.url", url, "adminToken.value", "t",
                        "replicaCount", 2), "set persistence.accessMode=ReadWriteMany"),
                Arguments.of("server and worker on ReadWriteOnce", Map.of("database.url", url, "adminToken.value", "t",
                        "worker.enabled", true), "2 pods mount the blob volume"),
                Arguments.of("existing claim not asserted ReadWriteMany", Map.of("database.url", url,
                        "adminToken.existingSecret", "admin", "worker.enabled", true, "persistence.existingClaim", "c"),
                        "set persistence.accessMode=ReadWriteMany"),
                Arguments.of("two pods without persistence", Map.of("database.url", url, "adminToken.value", "t",
                        "replicaCount", 2, "persistence.enabled", false), "persistence.enabled=false"),
                Arguments.of("a misspelt value", Map.of("database.url", url, "adminToken.value", "t",
                        "worker.enable", true), "additional properties 'enable' not allowed"),
                Arguments.of("an unknown access mode", Map.of("database.url", url, "adminToken.value", "t",
                        "persistence.accessMode", "ReadWriteSometimes"), "/persistence/accessMode"),
                Arguments.of("a JVM size Java cannot read", Map.of("database.url", url, "adminToken.value", "t",
                        "config.validation.workerHeap", "1GB"), "/config/validation/workerHeap"),
                Arguments.of("an unknown log format", Map.of("database.url", url, "adminToken.value", "t",
                        "config.logFormat", "xml"), "/config/logFormat"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void valuesThatCannotWorkFailWithAMessageNamingTheValue(String what, Map<String, Object> sets, String message) {
        assertThat(Chart.renderError(sets)).contains(message);
    }

    @Test
    void theSameValuesWithTheProblemFixedRender() {
        // the counterpart of the failures above: they fail for the reason given, not for another
        String url = (String) Chart.REQUIRED.get("database.url");
        Map<String, Object> sets = new HashMap<>(Map.of("database.url", url, "adminToken.existingSecret", "admin",
                "worker.enabled", true, "replicaCount", 2, "persistence.accessMode", "ReadWriteMany"));
        Manifests manifests = Chart.renderExactly(sets);
        assertThat((Object) dig(manifests.server(), "spec", "replicas")).isEqualTo(2);
        assertThat(manifests.ofKind("Secret")).isEmpty();
    }

    @Test
    void everyValueIsDocumentedWithAtParamAndEveryAtParamNamesAValue() {
        Map<String, Object> values = DeployFiles.loadYaml(DeployFiles.CHART_VALUES);
        List<String> leaves = new ArrayList<>();
        collectLeaves("", values, leaves);
        Set<String> documented = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) \\S").matcher(DeployFiles.read(DeployFiles.CHART_VALUES));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(leaves).isNotEmpty();
        for (String leaf : leaves) {
            // a documented object (resources, probes.startup, ...) documents its children
            assertThat(documented).as("## @param for %s", leaf)
                    .anyMatch(param -> leaf.equals(param) || leaf.startsWith(param + "."));
        }
        for (String param : documented) {
            assertThat(DeployFiles.<Object>dig(values, (Object[]) param.split("\\."))).as("value %s", param).isNotNull();
        }
    }

    /** Paths of scalars, lists and empty maps: what `## @param` documents. */
    private static void collectLeaves(String prefix, Map<String, Object> map, List<String> leaves) {
        map.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child && !child.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) child;
                collectLeaves(path, typed, leaves);
            } else {
                leaves.add(path);
            }
        });
    }

    @Test
    void theSchemaKnowsEveryValue() {
        Map<String, Object> schema = DeployFiles.yaml().load(DeployFiles.read(DeployFiles.CHART.resolve("values.schema.json")));
        Map<String, Object> values = DeployFiles.loadYaml(DeployFiles.CHART_VALUES);
        assertThat(schema).containsEntry("additionalProperties", false);
        assertThat(((Map<String, Object>) schema.get("properties")).keySet())
                .containsExactlyInAnyOrderElementsOf(values.keySet());
    }

    @Test
    void theNotesSayHowToReachTheApiAndWhereTheTokenIs() {
        String defaultNotes = notes(Chart.REQUIRED);
        assertThat(defaultNotes).doesNotContain("WARNING");
        assertThat(defaultNotes).contains("1 pod(s) in role all")
                .contains("kubectl -n models port-forward service/" + SERVER + " 8080:8080")
                .contains("get secret " + SERVER + " -o jsonpath='{.data.admin-token}'");
        String productionNotes = notes(Map.of(), DeployFiles.PRODUCTION_VALUES);
        assertThat(productionNotes).contains("2 pod(s) in role api").contains("3 pod(s) in role worker, 2 validation")
                .contains("https://models.example.com/api/v1/models")
                .contains("get secret keras-registry-admin -o jsonpath='{.data.token}'");
    }

    /** NOTES.txt as `helm install --dry-run=client` prints it (no cluster needed). */
    private static String notes(Map<String, Object> sets, Path... valuesFiles) {
        InstallCommand install = new Helm(DeployFiles.CHART).install().withName(Chart.RELEASE).withNamespace("models")
                .clientOnly().withDryRunOption(DryRun.CLIENT);
        for (Path file : valuesFiles) {
            install = install.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            install = install.set(set.getKey(), set.getValue());
        }
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }
}
