package io.kerasregistry.inference.expression;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.expression.Expression.Operator;
import io.kerasregistry.expression.ExpressionFunction;
import io.kerasregistry.inference.expression.Value.Scalar;
import io.kerasregistry.inference.expression.Value.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Constant folding computes parts of an expression in Java at compile time, the rest runs in ND4J:
 * both must mean the same, including on infinities, NaN, zero and the edges of each function's domain.
 */
class TensorMathTest {

    private static final double[] SPECIAL = {Double.NEGATIVE_INFINITY, -2, -1, -0.5, 0, 0.5, 1, 2,
            Double.POSITIVE_INFINITY, Double.NaN};

    @Test
    void elementwiseFunctionsAgreeOnScalarsAndTensors() {
        List<String> disagreements = new ArrayList<>();
        for (ExpressionFunction f : List.of(ExpressionFunction.ABS, ExpressionFunction.SQRT, ExpressionFunction.SQUARE,
                ExpressionFunction.EXP, ExpressionFunction.LOG, ExpressionFunction.SIGMOID, ExpressionFunction.TANH,
                ExpressionFunction.RELU, ExpressionFunction.SOFTPLUS)) {
            compare(f.functionName(), v -> TensorMath.unary(f, v[0]), 1, disagreements);
        }
        compare("negate", v -> TensorMath.negate(v[0]), 1, disagreements);
        assertThat(disagreements).isEmpty();
    }

    @Test
    void operatorsAgreeOnScalarsAndTensorsInEveryArrangement() {
        List<String> disagreements = new ArrayList<>();
        for (Operator op : Operator.values()) {
            compare(op.symbol(), v -> TensorMath.binary(op, v[0], v[1]), 2, disagreements);
        }
        compare("max", v -> TensorMath.extremum(ExpressionFunction.MAX, v[0], v[1]), 2, disagreements);
        compare("min", v -> TensorMath.extremum(ExpressionFunction.MIN, v[0], v[1]), 2, disagreements);
        assertThat(disagreements).isEmpty();
    }

    @Test
    void reductionsOfOneElementAreThatElement() {
        List<String> disagreements = new ArrayList<>();
        for (ExpressionFunction f : List.of(ExpressionFunction.SUM, ExpressionFunction.MEAN, ExpressionFunction.MAX,
                ExpressionFunction.MIN)) {
            compare(f.functionName(), v -> TensorMath.reduce(f, v[0]), 1, disagreements);
        }
        assertThat(disagreements).isEmpty();
    }

    /** Evaluates {@code op} on every combination of special values, once all-scalar and once per tensor arrangement. */
    private static void compare(String name, Function<Value[], Value> op, int arity, List<String> disagreements) {
        int combinations = (int) Math.pow(SPECIAL.length, arity);
        for (int c = 0; c < combinations; c++) {
            double[] operands = new double[arity];
            for (int i = 0, rest = c; i < arity; i++, rest /= SPECIAL.length) {
                operands[i] = SPECIAL[rest % SPECIAL.length];
            }
            Value[] scalars = new Value[arity];
            for (int i = 0; i < arity; i++) {
                scalars[i] = new Scalar(operands[i]);
            }
            double folded = ((Scalar) op.apply(scalars)).value();
            // Every arrangement with at least one tensor: bit i set means operand i is a tensor.
            for (int mask = 1; mask < (1 << arity); mask++) {
                Value[] mixed = new Value[arity];
                for (int i = 0; i < arity; i++) {
                    mixed[i] = (mask & (1 << i)) != 0
                            ? new Tensor(Nd4j.createFromArray((float) operands[i]))
                            : new Scalar(operands[i]);
                }
                double computed = single(op.apply(mixed));
                if (!same(folded, computed)) {
                    disagreements.add(name + java.util.Arrays.toString(operands) + " arrangement " + mask
                            + ": folded " + folded + ", ND4J " + computed);
                }
            }
        }
    }

    private static double single(Value value) {
        if (value instanceof Scalar s) {
            return s.value();
        }
        INDArray array = ((Tensor) value).array();
        assertThat(array.dataType()).isEqualTo(DataType.FLOAT);
        return array.getDouble(0);
    }

    /** Same class of value (NaN, the same infinity) and, when finite, equal to float32 precision. */
    private static boolean same(double folded, double computed) {
        if (Double.isNaN(folded) || Double.isNaN(computed)) {
            return Double.isNaN(folded) && Double.isNaN(computed);
        }
        if (Double.isInfinite(folded) || Double.isInfinite(computed)) {
            return folded == computed;
        }
        return Math.abs(folded - computed) <= 1e-6 * Math.max(1, Math.abs(folded));
    }
}
