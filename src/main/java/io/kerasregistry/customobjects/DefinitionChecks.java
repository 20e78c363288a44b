package io.kerasregistry.customobjects;

import io.kerasregistry.common.RegistryException;
import io.kerasregistry.expression.ExpressionException;
import io.kerasregistry.expression.ExpressionParser;
import io.kerasregistry.expression.ExpressionRole;
import io.kerasregistry.inference.Capabilities;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Refuses a definition that could never work, at registration rather than at the next validation:
 * the fields its implementation needs, implementations that make no sense for the kind, aliases of
 * names Keras does not ship, and expressions that do not parse or do not fit the kind. Parsing an
 * expression runs nothing ({@code expression} has no ND4J); {@link Capabilities} is ND4J-free too.
 */
@Component
class DefinitionChecks {

    /** What an expression computes for each kind it can stand for. */
    private static final Map<CatalogueKind, ExpressionRole> EXPRESSION_ROLES = Map.of(
            CatalogueKind.REGULARIZER, ExpressionRole.REGULARIZER,
            CatalogueKind.ACTIVATION, ExpressionRole.ACTIVATION,
            CatalogueKind.CONSTRAINT, ExpressionRole.CONSTRAINT);
    /** Kinds whose objects compute something at inference, so "nothing to do" would be wrong. */
    private static final Set<CatalogueKind> COMPUTED = EnumSet.of(CatalogueKind.ACTIVATION, CatalogueKind.REGULARIZER);
    private static final Set<String> REGULARIZERS = Set.of("l1", "l2", "l1l2", "l1_l2", "orthogonalregularizer",
            "orthogonal_regularizer");

    void check(CatalogueKind kind, String name, CustomObjectCatalogue.Registration r) {
        switch (r.implementation()) {
            case ALIAS -> checkAlias(kind, r.alias());
            case EXPRESSION -> checkExpression(kind, r.expression());
            case PLUGIN -> {
                if (kind != CatalogueKind.LAYER) {
                    throw RegistryException.invalid("a PLUGIN implements a custom layer, not a " + kind.slug());
                }
                if (r.className() == null || r.className().isBlank()) {
                    throw RegistryException.invalid("a PLUGIN needs 'className', the class a plug-in jar provides");
                }
            }
            case INFERENCE_IDENTITY -> {
                if (COMPUTED.contains(kind)) {
                    throw RegistryException.invalid("a " + kind.slug() + " changes what validation computes; register it "
                            + "as an ALIAS or EXPRESSION, not INFERENCE_IDENTITY");
                }
            }
        }
    }

    private static void checkAlias(CatalogueKind kind, JsonNode alias) {
        if (alias == null || alias.isNull()) {
            throw RegistryException.invalid("an ALIAS needs 'alias': a built-in name such as \"softplus\" "
                    + "or {\"class_name\": \"L1\", \"config\": {\"l1\": 0.001}}");
        }
        String target;
        if (alias.isString()) {
            target = alias.asString();
        } else if (alias.isObject() && alias.path("class_name").isString()) {
            target = alias.path("class_name").asString();
        } else {
            throw RegistryException.invalid("'alias' must be a built-in name or an object with 'class_name' and 'config'");
        }
        if (kind == CatalogueKind.ACTIVATION && !Capabilities.supportsActivation(target)) {
            throw RegistryException.invalid("'" + target + "' is not a Keras activation the registry computes; "
                    + "known: " + String.join(", ", Capabilities.activations()));
        }
        if (kind == CatalogueKind.REGULARIZER && !REGULARIZERS.contains(target.toLowerCase(Locale.ROOT))) {
            throw RegistryException.invalid("'" + target + "' is not a Keras regularizer; known: L1, L2, L1L2, "
                    + "OrthogonalRegularizer (or the strings l1, l2, l1_l2)");
        }
        if (kind == CatalogueKind.LAYER) {
            throw RegistryException.invalid("a custom layer cannot be an alias; register it as a PLUGIN, or as "
                    + "INFERENCE_IDENTITY if it does nothing at inference");
        }
    }

    private static void checkExpression(CatalogueKind kind, String expression) {
        ExpressionRole role = EXPRESSION_ROLES.get(kind);
        if (role == null) {
            throw RegistryException.invalid("an EXPRESSION can define a regularizer, activation or constraint, "
                    + "not a " + kind.slug());
        }
        if (expression == null || expression.isBlank()) {
            throw RegistryException.invalid("an EXPRESSION needs 'expression', e.g. \"factor * sum(abs(w))\"");
        }
        try {
            ExpressionParser.parse(expression).check(role);
        } catch (ExpressionException e) {
            throw RegistryException.invalid("the expression is not usable as a " + kind.slug() + ": "
                    + e.problems().stream().map(p -> (p.column() > 0 ? "at column " + p.column() + ": " : "") + p.message())
                    .collect(Collectors.joining("; ")))
                    .with("expressionProblems", e.problems().stream()
                            .map(p -> Map.of("column", p.column(), "message", p.message())).toList());
        }
    }
}
