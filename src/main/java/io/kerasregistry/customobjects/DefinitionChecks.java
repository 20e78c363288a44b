package io.kerasregistry.customobjects;

import io.kerasregistry.common.RegistryException;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Refuses a definition that could never work, at registration rather than at the next validation:
 * the fields its implementation needs, and implementations that make no sense for the kind.
 */
@Component
class DefinitionChecks {

    /** Kinds an expression can stand for: a function of one tensor. */
    private static final Set<CatalogueKind> EXPRESSION_KINDS =
            EnumSet.of(CatalogueKind.REGULARIZER, CatalogueKind.ACTIVATION, CatalogueKind.CONSTRAINT);

    void check(CatalogueKind kind, String name, CustomObjectCatalogue.Registration r) {
        switch (r.implementation()) {
            case ALIAS -> {
                if (r.alias() == null || r.alias().isNull()) {
                    throw RegistryException.invalid("an ALIAS needs 'alias': a built-in name such as \"softplus\" "
                            + "or {\"class_name\": \"L1\", \"config\": {\"l1\": 0.001}}");
                }
                if (!r.alias().isString() && !(r.alias().isObject() && r.alias().hasNonNull("class_name"))) {
                    throw RegistryException.invalid("'alias' must be a built-in name or an object with 'class_name' and 'config'");
                }
            }
            case EXPRESSION -> {
                if (!EXPRESSION_KINDS.contains(kind)) {
                    throw RegistryException.invalid("an EXPRESSION can define a regularizer, activation or constraint, "
                            + "not a " + kind.slug());
                }
                if (r.expression() == null || r.expression().isBlank()) {
                    throw RegistryException.invalid("an EXPRESSION needs 'expression', e.g. \"factor * sum(abs(w))\"");
                }
            }
            case PLUGIN -> {
                if (r.className() == null || r.className().isBlank()) {
                    throw RegistryException.invalid("a PLUGIN needs 'className', the class a plug-in jar provides");
                }
            }
            case INFERENCE_IDENTITY -> {
                if (kind == CatalogueKind.ACTIVATION) {
                    throw RegistryException.invalid("an activation changes what a model computes; register it as an "
                            + "ALIAS or EXPRESSION, not INFERENCE_IDENTITY");
                }
            }
        }
    }
}
