package io.kerasregistry.validation.worker;

import io.kerasregistry.expression.CheckedExpression;
import io.kerasregistry.expression.ExpressionException;
import io.kerasregistry.expression.ExpressionParser;
import io.kerasregistry.expression.ExpressionRole;
import io.kerasregistry.inference.BuiltinActivations;
import io.kerasregistry.inference.BuiltinRegularizers;
import io.kerasregistry.inference.CustomActivation;
import io.kerasregistry.inference.CustomLayer;
import io.kerasregistry.inference.CustomObjects;
import io.kerasregistry.inference.CustomRegularizer;
import io.kerasregistry.inference.InferenceException;
import io.kerasregistry.inference.expression.CompiledExpression;
import io.kerasregistry.inference.expression.ExpressionCompiler;
import io.kerasregistry.validation.JobSpec.CatalogueEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/**
 * The catalogue snapshot of a job as the inference engine's {@link CustomObjects}: what Keras's
 * {@code custom_objects} would resolve, here resolved to built-ins, compiled expressions or plug-in
 * classes. Records which definitions were used, so the report can name their revisions.
 */
final class CatalogueCustomObjects implements CustomObjects {

    private final Map<String, CatalogueEntry> entries = new HashMap<>();
    private final Map<String, CatalogueEntry> used = new LinkedHashMap<>();
    private final PluginLayers plugins;
    private final int kerasMajor;

    CatalogueCustomObjects(List<CatalogueEntry> catalogue, PluginLayers plugins, int kerasMajor) {
        catalogue.forEach(e -> entries.put(key(e.kind(), e.name()), e));
        this.plugins = plugins;
        this.kerasMajor = kerasMajor;
    }

    Optional<CatalogueEntry> entry(String kind, String name) {
        return Optional.ofNullable(entries.get(key(kind, name)));
    }

    void markUsed(CatalogueEntry entry) {
        used.put(key(entry.kind(), entry.name()), entry);
    }

    List<CatalogueEntry> used() {
        return new ArrayList<>(used.values());
    }

    @Override
    public Optional<CustomActivation> activation(String name) {
        return entry("activation", name).map(e -> {
            markUsed(e);
            return switch (e.implementation()) {
                case "ALIAS" -> aliasActivation(e);
                case "EXPRESSION" -> {
                    CompiledExpression compiled = compile(e, ExpressionRole.ACTIVATION, Map.of());
                    yield compiled::apply;
                }
                default -> throw new InferenceException("activation '" + name + "' is registered as "
                        + e.implementation() + ", which cannot compute an activation");
            };
        });
    }

    @Override
    public Optional<CustomRegularizer> regularizer(String name) {
        return entry("regularizer", name).map(e -> {
            markUsed(e);
            return switch (e.implementation()) {
                case "ALIAS" -> BuiltinRegularizers.of(e.alias()).orElseThrow(() -> new InferenceException(
                        "regularizer '" + name + "' is an alias of " + e.alias() + ", which is not a Keras built-in"));
                case "EXPRESSION" -> (JsonNode config, INDArray value) ->
                        compile(e, ExpressionRole.REGULARIZER, configValues(config)).applyScalar(value);
                default -> throw new InferenceException("regularizer '" + name + "' is registered as "
                        + e.implementation() + ", which cannot compute a penalty");
            };
        });
    }

    @Override
    public Optional<CustomLayer> layer(String name) {
        return entry("layer", name).map(e -> {
            markUsed(e);
            return switch (e.implementation()) {
                case "PLUGIN" -> plugins.find(String.valueOf(e.className())).orElseThrow(() -> new InferenceException(
                        "layer '" + name + "' is provided by plug-in class " + e.className()
                                + ", which no jar in the plug-in folder provides"
                                + (plugins.problems().isEmpty() ? "" : " (unreadable declarations: "
                                        + String.join("; ", plugins.problems()) + ")")));
                case "INFERENCE_IDENTITY" -> identity(name);
                default -> throw new InferenceException("layer '" + name + "' is registered as " + e.implementation()
                        + "; a custom layer needs a PLUGIN or, for a layer that does nothing at inference, "
                        + "INFERENCE_IDENTITY");
            };
        });
    }

    private CustomActivation aliasActivation(CatalogueEntry e) {
        JsonNode alias = e.alias();
        String builtIn;
        Map<String, Double> params = new HashMap<>();
        if (alias != null && alias.isString()) {
            builtIn = alias.asString();
        } else if (alias != null && alias.isObject()) {
            builtIn = alias.path("class_name").asString("");
            params.putAll(configValues(alias.path("config")));
        } else {
            throw new InferenceException("activation '" + e.name() + "' has no alias");
        }
        return BuiltinActivations.of(builtIn, params, kerasMajor).orElseThrow(() -> new InferenceException(
                "activation '" + e.name() + "' is an alias of '" + builtIn + "', which is not a Keras built-in "
                        + "activation taking " + params.keySet()));
    }

    private static CompiledExpression compile(CatalogueEntry e, ExpressionRole role, Map<String, ?> config) {
        try {
            CheckedExpression checked = ExpressionParser.parse(String.valueOf(e.expression())).check(role);
            return ExpressionCompiler.compile(checked, config);
        } catch (ExpressionException ex) {
            throw new InferenceException(e.kind() + " '" + e.name() + "' (revision " + e.revision() + "): "
                    + ex.getMessage());
        }
    }

    /** Numbers and booleans of an object's config, the values an expression may name. */
    static Map<String, Double> configValues(JsonNode config) {
        Map<String, Double> values = new HashMap<>();
        if (config != null && config.isObject()) {
            for (var field : config.properties()) {
                JsonNode v = field.getValue();
                if (v.isNumber()) {
                    values.put(field.getKey(), v.asDouble());
                } else if (v.isBoolean()) {
                    values.put(field.getKey(), v.asBoolean() ? 1.0 : 0.0);
                }
            }
        }
        return values;
    }

    private static CustomLayer identity(String name) {
        return new CustomLayer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
                return inputs.stream().map(INDArray::dup).toList();
            }
        };
    }

    private static String key(String kind, String name) {
        return kind + "/" + name;
    }
}
