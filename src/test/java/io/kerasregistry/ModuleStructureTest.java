package io.kerasregistry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the module arrows of {@code DESIGN.md} true: each module depends only on the modules its
 * row allows, the Keras reader and the inference engine know nothing of Spring, and ND4J (native
 * code that must never run in the process serving the API) is reached only from the worker side.
 */
class ModuleStructureTest {

    private static final String BASE = "io.kerasregistry.";

    /** Module → the other modules it may use. {@code config} wires everything and may use all. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "common", Set.of(),
            "keras", Set.of(),
            "expression", Set.of(),
            "inference", Set.of("keras", "expression"),
            "storage", Set.of("common"),
            "audit", Set.of("common", "api"),
            "access", Set.of("common", "audit", "api"),
            "customobjects", Set.of("keras", "common", "audit", "api", "expression", "inference"),
            "validation", Set.of("registry", "storage", "keras", "inference", "customobjects", "common", "audit", "api",
                    "expression"),
            "registry", Set.of("storage", "keras", "common", "audit", "api"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kerasregistry");
    }

    @TestFactory
    Stream<DynamicTest> eachModuleUsesOnlyTheModulesItsRowAllows() {
        return ALLOWED.entrySet().stream().map(row -> DynamicTest.dynamicTest(row.getKey(), () -> {
            String[] allowed = Stream.concat(Stream.of(row.getKey()), row.getValue().stream())
                    .map(m -> BASE + m + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage(BASE + row.getKey() + "..")
                    .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                            "are in another registry module than " + String.join(", ", allowed),
                            c -> c.getPackageName().startsWith(BASE) && !c.getPackageName().equals("io.kerasregistry")
                                    && Stream.of(allowed).noneMatch(a -> (c.getPackageName() + ".").startsWith(a.replace("..", ".")))))
                    .allowEmptyShould(true)
                    .check(classes);
        }));
    }

    @Test
    void theKerasReaderAndTheInferenceEngineKnowNothingOfSpringOrPersistence() {
        noClasses().that().resideInAnyPackage(BASE + "keras..", BASE + "inference..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                        "org.hibernate..", "java.sql..", "javax.sql..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void onlyTheWorkerSideTouchesNd4j() {
        noClasses().that().resideOutsideOfPackages(BASE + "inference..", BASE + "validation.worker..")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.bytedeco..")
                .check(classes);
    }

    @Test
    void theRegistryNeverDependsOnValidation() {
        noClasses().that().resideInAPackage(BASE + "registry..")
                .should().dependOnClassesThat().resideInAnyPackage(BASE + "validation..", BASE + "inference..",
                        BASE + "customobjects..")
                .check(classes);
    }

    @Test
    void controllersImplementTheGeneratedInterfaces() {
        classes().that().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .should().implement(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "an interface generated from openapi.yaml",
                        c -> c.getPackageName().equals("io.kerasregistry.api")))
                .check(classes);
    }
}
