package io.kerasregistry.inference;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The weights come from the file, so nothing on the inference path (the engine and the worker
 * pipeline that drives it) may initialise weights, draw random numbers from ND4J or run a
 * decomposition: they are never needed to compute a forward pass, and some of them hang in native
 * code (M2.1's SVD on 40×40 matrices and larger), which a child JVM can only be killed out of. The
 * smoke-test inputs are seeded Java random numbers, which this rule does not concern.
 */
class NoTrainingOpsInInferenceTest {

    private static final String[] INFERENCE_PATH = {"io.kerasregistry.inference..", "io.kerasregistry.validation.worker.."};

    /** Initialisers, random ops and generators, eigen/SVD/QR/Cholesky decompositions, DL4J's layers. */
    private static final String[] FORBIDDEN_PACKAGES = {"org.nd4j.weightinit..", "org.nd4j.linalg.api.rng..",
            "org.nd4j.linalg.api.ops.random..", "org.nd4j.linalg.eigen..", "org.deeplearning4j.."};

    private static final List<String> FORBIDDEN_CLASSES = List.of(
            "org.nd4j.linalg.api.ops.impl.transforms.custom.Svd",
            "org.nd4j.linalg.api.ops.impl.transforms.custom.Qr",
            "org.nd4j.linalg.api.ops.impl.transforms.Cholesky",
            "org.nd4j.autodiff.samediff.ops.SDRandom",
            "org.nd4j.linalg.factory.ops.NDRandom");

    /** ND4J methods by name: Nd4j.rand/randn/random*, getRandom, SameDiff's random(), svd, qr, eig, cholesky. */
    private static final Pattern FORBIDDEN_METHODS = Pattern.compile(
            "rand|randn|randomBernoulli|randomBinomial|randomExponential|random|getRandom|getRandomFactory|choice|shuffle"
                    + "|svd|gesvd|qr|geqrf|cholesky|potrf|eig|eigh|symmetricGeneralizedEigenvalues|lstsq");

    static ArchRule rule() {
        DescribedPredicate<JavaAccess<?>> forbiddenCall = DescribedPredicate.describe(
                "call ND4J weight initialisation, random or decomposition methods",
                access -> access.getTargetOwner().getPackageName().startsWith("org.nd4j")
                        && FORBIDDEN_METHODS.matcher(access.getName()).matches());
        return noClasses().that().resideInAnyPackage(INFERENCE_PATH)
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN_PACKAGES)
                .orShould().dependOnClassesThat().haveNameMatching(
                        FORBIDDEN_CLASSES.stream().map(Pattern::quote).reduce((a, b) -> a + "|" + b).orElseThrow())
                .orShould().accessTargetWhere(forbiddenCall)
                .because("the weights come from the file; inference needs no initialiser, no random op, no SVD");
    }

    @Test
    void theInferencePathNeverInitialisesWeightsDrawsRandomNumbersOrDecomposes() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kerasregistry.inference", "io.kerasregistry.validation.worker");
        rule().check(classes);
    }

    /** The rule is not vacuous: a class on the inference path that draws random weights breaks it. */
    @Test
    void theRuleCatchesARandomInitialiser() {
        JavaClasses offender = new ClassFileImporter().importClasses(RandomWeights.class);
        assertThatThrownBy(() -> rule().check(offender)).hasMessageContaining("rand");
    }

    /** What the rule forbids; it lives in the tests only. */
    static final class RandomWeights {
        INDArray kernel(int in, int out) {
            return Nd4j.rand(in, out);
        }
    }
}
