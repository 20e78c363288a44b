package io.kerasregistry.deploy;

import static io.kerasregistry.deploy.DeployFiles.dig;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/deploy.md's settings table names every variable the image, Compose and the chart set, and
 * every Helm value it points to exists; its sizing table agrees with jvm.options.
 */
class DeployDocsTest {

    /** Environment variable → the table row's cells (property, variable, default, meaning, Helm value). */
    static Map<String, List<String>> rows;

    @BeforeAll
    static void readTable() {
        rows = new LinkedHashMap<>();
        String doc = DeployFiles.read(DeployFiles.DEPLOY_DOC);
        String section = doc.substring(doc.indexOf("## Settings"), doc.indexOf("## Health"));
        for (String line : section.lines().filter(l -> l.startsWith("| ")).toList()) {
            List<String> cells = List.of(line.substring(1, line.length() - 1).split("\\|", -1)).stream().map(String::strip).toList();
            Matcher variable = Pattern.compile("^`([A-Z_]+)`$").matcher(cells.get(1));
            if (variable.matches()) {
                rows.put(variable.group(1), cells);
            }
        }
    }

    @Test
    void theTableHasEverySettingOfTheRuntimeInterfaceWithADefaultColumnAndAMeaning() {
        assertThat(rows.keySet()).containsAll(DeployFiles.SETTINGS).contains("PORT");
        rows.forEach((variable, cells) -> {
            assertThat(cells).as(variable).hasSize(5);
            assertThat(cells.get(3)).as("meaning of %s", variable).isNotBlank();
        });
    }

    @Test
    void everyVariableTheImageComposeOrTheChartSetsIsDocumented() {
        Set<String> set = new LinkedHashSet<>(DockerfileTest.finalStage().env().keySet());
        Map<String, Object> compose = DeployFiles.loadYaml(DeployFiles.COMPOSE);
        set.addAll(((Map<String, Object>) dig(compose, "services", "registry", "environment")).keySet());
        set.addAll(((Map<String, Object>) dig(compose, "services", "worker", "environment")).keySet());
        Chart.Manifests production = Chart.render(Map.of(), DeployFiles.PRODUCTION_VALUES);
        set.addAll(Chart.effectiveEnv(production, production.server()).keySet());
        set.addAll(Chart.effectiveEnv(production, production.worker()).keySet());
        assertThat(rows.keySet()).containsAll(set);
    }

    @Test
    void everyHelmValueTheTableNamesExists() {
        Map<String, Object> values = DeployFiles.loadYaml(DeployFiles.CHART_VALUES);
        List<String> named = new ArrayList<>();
        for (List<String> cells : rows.values()) {
            // value paths: dotted (database.url) or camelCase (javaOpts); `all`, `api` are roles
            Matcher m = Pattern.compile("`([a-z][A-Za-z]*(?:\\.[a-z][A-Za-z]*)+|[a-z]+[A-Z][A-Za-z]*)`").matcher(cells.get(4));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).contains("database.url", "config.validation.workerHeap", "worker.processes");
        for (String value : named) {
            assertThat(values).as("values.yaml has %s", value).matches(v -> dig(v, (Object[]) value.split("\\.")) != null);
        }
    }

    @Test
    void theDocumentedDefaultsAreTheChartsAndJvmOptions() {
        Map<String, Object> values = DeployFiles.loadYaml(DeployFiles.CHART_VALUES);
        Map<String, String> expected = Map.of(
                "KERAS_REGISTRY_VALIDATION_TIMEOUT", "config.validation.timeout",
                "KERAS_REGISTRY_VALIDATION_WORKER_HEAP", "config.validation.workerHeap",
                "KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP", "config.validation.workerOffHeap",
                "KERAS_REGISTRY_UPLOAD_MAX_FILE_SIZE", "config.uploadMaxFileSize",
                "KERAS_REGISTRY_SECURITY_ANONYMOUS_READ", "config.anonymousRead",
                "KERAS_REGISTRY_APPROVAL_FOUR_EYES", "config.fourEyesApproval",
                "KERAS_REGISTRY_VALIDATION_WORKERS", "config.validation.processes");
        expected.forEach((variable, value) -> assertThat(rows.get(variable).get(2)).as(variable)
                .isEqualTo("`" + dig(values, (Object[]) value.split("\\.")) + "`"));
        String percentage = DeployFiles.jvmOptionValues().get("-XX:MaxRAMPercentage");
        assertThat(DeployFiles.read(DeployFiles.DEPLOY_DOC)).contains("`-XX:MaxRAMPercentage=" + percentage + "`")
                .contains("| `all` | " + percentage + " % |");
    }
}
