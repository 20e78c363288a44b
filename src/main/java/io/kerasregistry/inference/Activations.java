package io.kerasregistry.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's built-in activation functions, as defined in {@code keras/src/activations/activations.py}
 * (and tf-keras for Keras 2 where the definitions differ). Every function returns a new array.
 */
final class Activations {

    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private final Map<String, UnaryOperator<INDArray>> builtIns = new LinkedHashMap<>();

    Activations(KerasFlavor flavor) {
        boolean k3 = flavor.keras3HardSigmoid();
        builtIns.put("linear", x -> x);
        builtIns.put("relu", Nd::relu);
        builtIns.put("relu6", x -> Nd.clip(x, 0, 6));
        builtIns.put("sigmoid", Nd::sigmoid);
        builtIns.put("hard_sigmoid", k3 ? Activations::hardSigmoid3 : Activations::hardSigmoid2);
        builtIns.put("tanh", Nd::tanh);
        builtIns.put("softmax", x -> Nd.softmax(x, x.rank() - 1));
        builtIns.put("log_softmax", x -> Nd.logSoftmax(x, x.rank() - 1));
        builtIns.put("softplus", Nd::softplus);
        builtIns.put("softsign", x -> x.div(Transforms.abs(x, true).addi(1.0)));
        builtIns.put("elu", x -> elu(x, 1.0));
        builtIns.put("selu", x -> elu(x, SELU_ALPHA).muli(SELU_SCALE));
        builtIns.put("swish", Activations::silu);
        builtIns.put("silu", Activations::silu);
        builtIns.put("gelu", x -> gelu(x, false));
        builtIns.put("exponential", x -> Transforms.exp(x, true));
        builtIns.put("leaky_relu", x -> leakyRelu(x, 0.2));
        builtIns.put("mish", x -> x.mul(Nd.tanh(Nd.softplus(x))));
        builtIns.put("hard_silu", x -> x.mul(hardSigmoid3(x)));
        builtIns.put("hard_swish", x -> x.mul(hardSigmoid3(x)));
        builtIns.put("log_sigmoid", x -> Nd.softplus(x.neg()).negi());
        builtIns.put("hard_tanh", x -> Nd.clip(x, -1, 1));
        builtIns.put("tanh_shrink", x -> x.sub(Nd.tanh(x)));
        builtIns.put("softsign", x -> x.div(Transforms.abs(x, true).addi(1.0)));
        builtIns.put("celu", Activations::celu);
        builtIns.put("squareplus", x -> x.add(Transforms.sqrt(x.mul(x).addi(4.0), false)).divi(2.0));
        builtIns.put("sparse_plus", Activations::sparsePlus);
        builtIns.put("sparse_sigmoid", x -> Nd.clip(x, -1, 1).addi(1.0).muli(0.5));
        builtIns.put("soft_shrink", x -> Nd.relu(x.sub(0.5)).subi(Nd.relu(x.neg().subi(0.5))));
        builtIns.put("hard_shrink", x -> x.mul(Nd.greaterThan(Transforms.abs(x, true), 0.5)));
    }

    /** The built-in of that name, or null. */
    @Nullable
    UnaryOperator<INDArray> builtIn(String name) {
        return builtIns.get(name);
    }

    java.util.Set<String> names() {
        return builtIns.keySet();
    }

    /** Keras 2 (and 1): {@code clip(0.2x + 0.5, 0, 1)}. */
    static INDArray hardSigmoid2(INDArray x) {
        return Nd.clip(x.mul(0.2).addi(0.5), 0, 1);
    }

    /** Keras 3: {@code relu6(x + 3) / 6}. */
    static INDArray hardSigmoid3(INDArray x) {
        return Nd.clip(x.div(6.0).addi(0.5), 0, 1);
    }

    static INDArray silu(INDArray x) {
        return x.mul(Nd.sigmoid(x));
    }

    static INDArray elu(INDArray x, double alpha) {
        // expm1 of min(x, 0) keeps the unused branch finite for large x
        INDArray neg = Transforms.expm1(Transforms.min(x, 0.0, true), false).muli(alpha);
        INDArray pos = Nd.relu(x);
        INDArray isPos = Nd.greaterThan(x, 0.0);
        return pos.addi(neg.muli(isPos.rsubi(1.0)));
    }

    static INDArray leakyRelu(INDArray x, double slope) {
        return Nd.relu(x).subi(Nd.relu(x.neg()).muli(slope));
    }

    static INDArray gelu(INDArray x, boolean approximate) {
        if (approximate) {
            double c = Math.sqrt(2.0 / Math.PI);
            INDArray inner = x.mul(x).muli(x).muli(0.044715).addi(x).muli(c);
            return x.mul(Transforms.tanh(inner, false).addi(1.0).muli(0.5));
        }
        INDArray cdf = Nd.erf(x.div(Math.sqrt(2.0))).addi(1.0).muli(0.5);
        return x.mul(cdf);
    }

    static INDArray celu(INDArray x) {
        return Nd.relu(x).addi(Transforms.expm1(Transforms.min(x, 0.0, true), false));
    }

    static INDArray sparsePlus(INDArray x) {
        // 0 for x <= -1, (x+1)^2/4 for -1 < x < 1, x for x >= 1
        INDArray mid = Nd.clip(x, -1, 1).addi(1.0);
        mid = mid.mul(mid).muli(0.25);
        INDArray above = Nd.relu(x.sub(1.0));
        return mid.addi(above);
    }
}
