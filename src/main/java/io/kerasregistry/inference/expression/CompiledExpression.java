package io.kerasregistry.inference.expression;

import io.kerasregistry.expression.CheckedExpression;
import io.kerasregistry.expression.ExpressionRole;
import io.kerasregistry.inference.expression.ExpressionCompiler.Op;
import io.kerasregistry.inference.expression.Value.Scalar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An expression bound to one object's config values, ready to run. Immutable and safe to share
 * between threads. Never modifies the tensor it is given.
 *
 * <p>Activations and constraints compute in float32, as Keras does, and return a new float32 tensor
 * of the input's shape. Regularizers compute in float64 throughout and return the penalty as a
 * {@code double}. Reductions ({@code sum}, {@code mean}) always accumulate in float64.
 */
public final class CompiledExpression {

    private final CheckedExpression expression;
    private final Map<String, Double> values;
    private final Op root;

    CompiledExpression(CheckedExpression expression, Map<String, Double> values, Op root) {
        this.expression = expression;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.root = root;
    }

    public ExpressionRole role() {
        return expression.role();
    }

    /** The config values the expression was compiled with. */
    public Map<String, Double> values() {
        return values;
    }

    /**
     * Applies an activation or a constraint.
     *
     * @param tensor the input ({@code x}) or weights ({@code w}), of any numeric type
     * @return a new float32 tensor of the same shape, never {@code tensor} itself
     * @throws IllegalStateException for a regularizer, whose result is one number: use {@link #applyScalar}
     */
    public INDArray apply(INDArray tensor) {
        if (role().reducesToScalar()) {
            throw new IllegalStateException(role() + " gives one number; call applyScalar");
        }
        INDArray input = tensor.castTo(DataType.FLOAT);
        INDArray result = TensorMath.tensor(root.apply(input), input);
        // 'x' alone, or a where() choosing it, evaluates to the input itself; the caller gets a copy.
        return result == tensor ? result.dup() : result;
    }

    /**
     * Applies a regularizer: the penalty for one weight tensor (or layer output), in float64.
     *
     * @throws IllegalStateException for an activation or a constraint: use {@link #apply}
     */
    public double applyScalar(INDArray w) {
        if (!role().reducesToScalar()) {
            throw new IllegalStateException(role() + " gives a tensor; call apply");
        }
        Value result = root.apply(w.castTo(DataType.DOUBLE));
        return ((Scalar) result).value();
    }

    @Override
    public String toString() {
        return expression + " with " + values;
    }
}
