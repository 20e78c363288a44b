package com.example.keras;

import io.kerasregistry.inference.CustomLayer;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import tools.jackson.databind.JsonNode;

/**
 * The Keras layer of "Hands-On Machine Learning", chapter 12:
 *
 * <pre>
 * class MyDense(keras.layers.Layer):
 *     def build(self, batch_input_shape):
 *         self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units])
 *         self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")
 *     def call(self, X):
 *         return self.activation(X @ self.kernel + self.bias)
 * </pre>
 *
 * Registered in the registry as
 * {@code PUT /api/v1/custom-objects/layer/MyDense {"implementation":"PLUGIN","className":"com.example.keras.MyDense"}}.
 * The registry creates one instance per validation and passes the stored weights in the order
 * Keras lists them ({@code layer.weights}): kernel, then bias.
 */
public final class MyDense implements CustomLayer {

    @Override
    public String name() {
        return "MyDense";
    }

    @Override
    public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
        if (weights.size() != 2 || inputs.size() != 1) {
            throw new IllegalArgumentException("MyDense takes one input and two weights (kernel, bias); got "
                    + inputs.size() + " and " + weights.size());
        }
        INDArray kernel = weights.get(0);
        INDArray bias = weights.get(1);
        // mmul allocates its result, so adding the bias in place modifies neither input nor weights
        INDArray z = inputs.get(0).mmul(kernel).addiRowVector(bias);
        String activation = config.path("activation").asString("linear");
        return List.of(activate(activation, z));
    }

    private static INDArray activate(String activation, INDArray z) {
        switch (activation) {
            case "linear":
                return z;
            case "relu":
                return Transforms.relu(z, false);
            case "tanh":
                return Transforms.tanh(z, false);
            case "sigmoid":
                return Transforms.sigmoid(z, false);
            default:
                throw new IllegalArgumentException("MyDense: activation '" + activation + "' is not supported by this plug-in");
        }
    }
}
