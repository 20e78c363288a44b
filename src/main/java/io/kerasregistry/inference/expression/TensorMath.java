package io.kerasregistry.inference.expression;

import io.kerasregistry.expression.Expression.Operator;
import io.kerasregistry.expression.ExpressionFunction;
import io.kerasregistry.inference.expression.Value.Scalar;
import io.kerasregistry.inference.expression.Value.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThanOrEqual;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LessThanOrEqual;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The operations of the language on {@link Value}s: scalars in Java {@code double}, tensors with
 * ND4J in the tensor's own data type, scalars broadcast against tensors.
 *
 * <p>Every tensor operation here allocates its result. ND4J has in-place variants that look alike
 * ({@code Transforms.sigmoid(x)} overwrites {@code x}; {@code Transforms.sigmoid(x, true)} does not),
 * and one of them on the input would corrupt the caller's weights or activations; only the copying
 * forms are used, and the tests check that inputs come back unchanged.
 *
 * <p>All tensors met in one evaluation have the input's shape, so when the input is empty every
 * tensor is: element-wise operations then return their (empty) operand, as ND4J refuses to run on
 * empty arrays.
 */
final class TensorMath {

    private TensorMath() {
    }

    static Value negate(Value a) {
        return map(a, v -> -v, INDArray::neg);
    }

    static Value unary(ExpressionFunction function, Value a) {
        switch (function) {
            case ABS:
                return map(a, Math::abs, t -> Transforms.abs(t, true));
            case SQRT:
                return map(a, Math::sqrt, t -> Transforms.sqrt(t, true));
            case SQUARE:
                return map(a, v -> v * v, t -> t.mul(t));
            case EXP:
                return map(a, Math::exp, t -> Transforms.exp(t, true));
            case LOG:
                return map(a, Math::log, t -> Transforms.log(t, true));
            case SIGMOID:
                return map(a, TensorMath::sigmoid, t -> Transforms.sigmoid(t, true));
            case TANH:
                return map(a, Math::tanh, t -> Transforms.tanh(t, true));
            case RELU:
                // Math.max keeps NaN, as ND4J's relu does.
                return map(a, v -> Math.max(v, 0.0), t -> Transforms.relu(t, true));
            case SOFTPLUS:
                return map(a, TensorMath::softplus, TensorMath::softplus);
            default:
                throw new IllegalArgumentException(function + " is not element-wise with one argument");
        }
    }

    static Value binary(Operator operator, Value a, Value b) {
        switch (operator) {
            case ADD:
                return zip(a, b, Double::sum, INDArray::add, INDArray::add, (s, t) -> t.add(s));
            case SUBTRACT:
                return zip(a, b, (x, y) -> x - y, INDArray::sub, INDArray::sub, (s, t) -> t.rsub(s));
            case MULTIPLY:
                return zip(a, b, (x, y) -> x * y, INDArray::mul, INDArray::mul, (s, t) -> t.mul(s));
            case DIVIDE:
                return zip(a, b, (x, y) -> x / y, INDArray::div, INDArray::div, (s, t) -> t.rdiv(s));
            case POWER:
                return zip(a, b, TensorMath::pow, (t, u) -> Transforms.pow(t, u, true),
                        (t, s) -> Transforms.pow(t, s, true),
                        (s, t) -> Transforms.pow(filled(t, s), t, false));
            case LESS:
                return zip(a, b, (x, y) -> truth(x < y), (t, u) -> number(t.lt(u), t),
                        (t, s) -> number(t.lt(s), t), (s, t) -> number(t.gt(s), t));
            case LESS_OR_EQUAL:
                return zip(a, b, (x, y) -> truth(x <= y), (t, u) -> number(Nd4j.exec(new LessThanOrEqual(t, u))[0], t),
                        (t, s) -> number(t.lte(s), t), (s, t) -> number(t.gte(s), t));
            case GREATER:
                return zip(a, b, (x, y) -> truth(x > y), (t, u) -> number(t.gt(u), t),
                        (t, s) -> number(t.gt(s), t), (s, t) -> number(t.lt(s), t));
            case GREATER_OR_EQUAL:
                return zip(a, b, (x, y) -> truth(x >= y), (t, u) -> number(Nd4j.exec(new GreaterThanOrEqual(t, u))[0], t),
                        (t, s) -> number(t.gte(s), t), (s, t) -> number(t.lte(s), t));
            case EQUAL:
                return zip(a, b, (x, y) -> truth(x == y), (t, u) -> number(t.eq(u), t),
                        (t, s) -> number(t.eq(s), t), (s, t) -> number(t.eq(s), t));
            case NOT_EQUAL:
                return zip(a, b, (x, y) -> truth(x != y), (t, u) -> number(t.neq(u), t),
                        (t, s) -> number(t.neq(s), t), (s, t) -> number(t.neq(s), t));
            default:
                throw new IllegalArgumentException("unknown operator " + operator);
        }
    }

    /** Element-wise {@code max(a, b)} or {@code min(a, b)}; NaN in either gives NaN, as in NumPy. */
    static Value extremum(ExpressionFunction function, Value a, Value b) {
        boolean max = function == ExpressionFunction.MAX;
        return zip(a, b,
                max ? Math::max : Math::min,
                (t, u) -> keepNaN(max ? Transforms.max(t, u, true) : Transforms.min(t, u, true), t, u),
                (t, s) -> keepNaN(max ? Transforms.max(t, s, true) : Transforms.min(t, s, true), t, s),
                (s, t) -> keepNaN(max ? Transforms.max(t, s, true) : Transforms.min(t, s, true), t, s));
    }

    /** {@code sum}, {@code mean}, and {@code max}/{@code min} of one argument: one number, in float64. */
    static Value reduce(ExpressionFunction function, Value a) {
        if (a instanceof Scalar) {
            return a;
        }
        INDArray t = ((Tensor) a).array();
        long n = t.length();
        switch (function) {
            case SUM:
                return new Scalar(n == 0 ? 0.0 : t.castTo(DataType.DOUBLE).sumNumber().doubleValue());
            case MEAN:
                return new Scalar(n == 0 ? Double.NaN : t.castTo(DataType.DOUBLE).sumNumber().doubleValue() / n);
            case MAX:
                // ND4J's max skips NaN; NumPy's (and so Keras's) does not.
                return new Scalar(n == 0 ? Double.NEGATIVE_INFINITY
                        : t.isNaN().any() ? Double.NaN : t.maxNumber().doubleValue());
            case MIN:
                return new Scalar(n == 0 ? Double.POSITIVE_INFINITY
                        : t.isNaN().any() ? Double.NaN : t.minNumber().doubleValue());
            default:
                throw new IllegalArgumentException(function + " does not reduce");
        }
    }

    /** {@code where(condition, a, b)}: {@code a} where the condition is not zero (NaN counts as true). */
    static Value where(Value condition, Value a, Value b) {
        if (condition instanceof Scalar c) {
            return c.value() != 0 ? a : b;
        }
        INDArray mask = ((Tensor) condition).array();
        if (mask.isEmpty()) {
            return condition;
        }
        INDArray whenTrue = tensor(a, mask);
        INDArray whenFalse = tensor(b, mask);
        return new Tensor(Nd4j.exec(new Select(new INDArray[] {mask.neq(0), whenTrue, whenFalse}, null))[0]);
    }

    /** The value as a tensor shaped and typed like {@code like}; a scalar becomes a new, filled tensor. */
    static INDArray tensor(Value value, INDArray like) {
        return value instanceof Tensor t ? t.array() : filled(like, ((Scalar) value).value());
    }

    static double sigmoid(double v) {
        // Two forms, so that exp never overflows: sigmoid(-1000) is 0, not 1/(1+inf) computed as NaN-prone.
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }

    /** {@code log(1 + exp(v))} without overflow: {@code max(v, 0) + log1p(exp(-|v|))}. */
    static double softplus(double v) {
        return Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    // ND4J's own softplus is log(1 + exp(x)) and gives infinity from x = 89 on in float32.
    private static INDArray softplus(INDArray t) {
        INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(t, true).negi(), false), false);
        return Transforms.relu(t, true).addi(tail);
    }

    /** C's pow rather than Java's where they differ: 1 to any power is 1, and so is -1 to an infinite one. */
    static double pow(double base, double exponent) {
        if (base == 1.0 || (base == -1.0 && Double.isInfinite(exponent))) {
            return 1.0;
        }
        return Math.pow(base, exponent);
    }

    private static double truth(boolean b) {
        return b ? 1.0 : 0.0;
    }

    /** A comparison's boolean result as 0/1 in the data type of the tensors compared. */
    private static INDArray number(INDArray bool, INDArray like) {
        return bool.castTo(like.dataType());
    }

    private static INDArray filled(INDArray like, double value) {
        return Nd4j.valueArrayOf(like.shape(), value, like.dataType());
    }

    private static INDArray keepNaN(INDArray result, INDArray a, INDArray b) {
        INDArray nanInA = a.isNaN();
        INDArray nanInB = b.isNaN();
        if (!nanInA.any() && !nanInB.any()) {
            return result;
        }
        INDArray mask = number(nanInA, a).addi(number(nanInB, a)).gt(0);
        return Nd4j.exec(new Select(new INDArray[] {mask, filled(result, Double.NaN), result}, null))[0];
    }

    /** {@code b} is never NaN here: {@link #zip} turns a NaN scalar into a tensor. */
    private static INDArray keepNaN(INDArray result, INDArray a, double b) {
        INDArray nan = a.isNaN();
        if (!nan.any()) {
            return result;
        }
        return Nd4j.exec(new Select(new INDArray[] {nan, filled(result, Double.NaN), result}, null))[0];
    }

    private static Value map(Value a, DoubleUnaryOperator scalar, UnaryOperator<INDArray> tensor) {
        if (a instanceof Scalar s) {
            return new Scalar(scalar.applyAsDouble(s.value()));
        }
        INDArray t = ((Tensor) a).array();
        return t.isEmpty() ? a : new Tensor(tensor.apply(t));
    }

    private interface TensorTensor {
        INDArray apply(INDArray a, INDArray b);
    }

    private interface TensorScalar {
        INDArray apply(INDArray a, double b);
    }

    private interface ScalarTensor {
        INDArray apply(double a, INDArray b);
    }

    private static Value zip(Value a, Value b, DoubleBinaryOperator scalars, TensorTensor tensors,
                             TensorScalar tensorScalar, ScalarTensor scalarTensor) {
        if (a instanceof Scalar x && b instanceof Scalar y) {
            return new Scalar(scalars.applyAsDouble(x.value(), y.value()));
        }
        if (a instanceof Tensor t && t.array().isEmpty()) {
            return a;
        }
        if (b instanceof Tensor t && t.array().isEmpty()) {
            return b;
        }
        // ND4J's add, sub, mul and div silently use 1e-5 for a NaN scalar (x + NaN gives x + 1e-5);
        // a NaN scalar (log(-1), the mean of weights holding a NaN) must stay NaN, so it travels as a tensor.
        if (a instanceof Scalar x && Double.isNaN(x.value())) {
            a = new Tensor(filled(((Tensor) b).array(), Double.NaN));
        }
        if (b instanceof Scalar y && Double.isNaN(y.value())) {
            b = new Tensor(filled(((Tensor) a).array(), Double.NaN));
        }
        if (a instanceof Tensor t && b instanceof Tensor u) {
            return new Tensor(tensors.apply(t.array(), u.array()));
        }
        if (a instanceof Tensor t) {
            return new Tensor(tensorScalar.apply(t.array(), ((Scalar) b).value()));
        }
        return new Tensor(scalarTensor.apply(((Scalar) a).value(), ((Tensor) b).array()));
    }
}
