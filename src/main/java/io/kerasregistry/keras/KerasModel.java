package io.kerasregistry.keras;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Everything the registry knows about a Keras file without running it.
 *
 * @param format          how the model was stored
 * @param kerasVersion    root attribute {@code keras_version} or {@code metadata.json}'s, when recorded
 * @param backend         root attribute {@code backend} (absent in Keras 1)
 * @param modelClass      {@code Sequential}, {@code Functional}, {@code Model}, or a subclass's name
 * @param subclassed      a subclassed model: its config holds no layer graph
 * @param architecture    the model config exactly as stored ({@code {"class_name": ..., "config": ...}})
 * @param trainingConfig  optimizer, loss and metrics as stored, when the file has them
 * @param network         the layer graph normalised across Keras eras; {@code null} for subclassed models
 * @param layers          every layer, nested ones included, in model order
 * @param inputs          the model's inputs
 * @param outputs         the model's outputs
 * @param regularizers    every regularizer, per layer and attribute
 * @param constraints     every constraint, per layer and attribute
 * @param initializers    every initializer, per layer and attribute
 * @param customObjects   every name a Keras loader would need from {@code custom_objects}
 * @param findings        security and consistency findings (Lambda code, {@code .npz} weights, ...)
 * @param weights         where each layer's weights live in the file; no weight data is held
 */
public record KerasModel(
        ModelFormat format,
        @Nullable String kerasVersion,
        @Nullable String backend,
        String modelClass,
        boolean subclassed,
        JsonNode architecture,
        @Nullable JsonNode trainingConfig,
        @Nullable Network network,
        List<LayerSummary> layers,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        List<RegularizerRef> regularizers,
        List<ObjectRef> constraints,
        List<ObjectRef> initializers,
        List<CustomObjectRef> customObjects,
        List<Finding> findings,
        WeightsManifest weights) {

    public KerasModel {
        layers = List.copyOf(layers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        regularizers = List.copyOf(regularizers);
        constraints = List.copyOf(constraints);
        initializers = List.copyOf(initializers);
        customObjects = List.copyOf(customObjects);
        findings = List.copyOf(findings);
    }

    /** Parameters held in the file's weights. */
    public long paramCount() {
        return layers.stream().mapToLong(LayerSummary::paramCount).sum();
    }

    /** Parameters of trainable layers. */
    public long trainableParamCount() {
        return layers.stream().filter(LayerSummary::trainable).mapToLong(LayerSummary::paramCount).sum();
    }
}
