package io.kerasregistry.expression;

import io.kerasregistry.expression.Expression.Binary;
import io.kerasregistry.expression.Expression.Call;
import io.kerasregistry.expression.Expression.Literal;
import io.kerasregistry.expression.Expression.Name;
import io.kerasregistry.expression.Expression.Negate;
import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The meaning of an expression, computed plainly in float64 over a flat {@code double[]} tensor,
 * with no code shared with the ND4J compiler it is the oracle for.
 *
 * <p>Besides each value it computes a bound on how far a float32 (or float64) evaluation may
 * legitimately be from it — a running error analysis: every operation adds a few units of rounding
 * of its result and carries its operands' error through its own slope (for {@code a * b}:
 * {@code |a|·eb + |b|·ea + ea·eb}). That makes the tolerance fit each element: tight where the
 * computation is benign, wide after a cancellation like {@code exp(x) - exp(x)}. Where the outcome is
 * genuinely undecided — a comparison closer than its error, a value overflowing float32, a NaN — the
 * bound is infinite and the element is not compared.
 *
 * <p>ND4J's {@code tanh} and {@code log1p} (which softplus is built on) are accurate to a few units of
 * rounding of 1, not of their result: {@code tanh(1e-7)} comes out about 5% off in float32, 5e-9 in
 * absolute terms. Their rounding is therefore counted against {@code |r| + 1}.
 */
public final class ReferenceEvaluator {

    /** The precision of the tensor arithmetic being judged; scalars are always float64. */
    public enum Precision {
        FLOAT32(0x1p-24, Float.MAX_VALUE, Float.MIN_NORMAL),
        FLOAT64(0x1p-53, Double.MAX_VALUE, Double.MIN_NORMAL);

        final double unitRoundoff;
        final double max;
        final double tiny;

        Precision(double unitRoundoff, double max, double tiny) {
            this.unitRoundoff = unitRoundoff;
            this.max = max;
            this.tiny = tiny;
        }

        double round(double v) {
            return this == FLOAT32 ? (float) v : v;
        }
    }

    /**
     * Values and error bounds; a scalar result has one element.
     *
     * @param bounds per element, infinite where the element cannot be judged
     */
    public record Result(double[] values, double[] bounds, boolean scalar) {

        public boolean comparable(int i) {
            return Double.isFinite(bounds[i]);
        }

        public long comparableCount() {
            return Arrays.stream(bounds).filter(Double::isFinite).count();
        }
    }

    private static final double BASIC = 2;
    private static final double TRANSCENDENTAL = 8;

    private final String tensorVariable;
    private final Map<String, Double> parameters;
    private final double[] tensor;
    private final Precision precision;

    private ReferenceEvaluator(String tensorVariable, Map<String, Double> parameters, double[] tensor, Precision precision) {
        this.tensorVariable = tensorVariable;
        this.parameters = parameters;
        this.tensor = tensor;
        this.precision = precision;
    }

    public static Result evaluate(CheckedExpression expression, Map<String, Double> parameters, double[] tensor,
                                  Precision precision) {
        V v = new ReferenceEvaluator(expression.role().tensorVariable(), parameters, tensor, precision)
                .eval(expression.expression());
        return new Result(v.values, v.bounds, v.scalar);
    }

    /** A value under evaluation: one element when scalar. */
    private record V(double[] values, double[] bounds, boolean scalar) {
        int size() {
            return values.length;
        }

        double value(int i) {
            return values[scalar ? 0 : i];
        }

        double bound(int i) {
            return bounds[scalar ? 0 : i];
        }
    }

    private V eval(Expression e) {
        if (e instanceof Literal literal) {
            return scalar(literal.value(), 0);
        } else if (e instanceof Name name) {
            if (name.name().equals(tensorVariable)) {
                return new V(tensor.clone(), new double[tensor.length], false);
            }
            return scalar(parameters.get(name.name()), 0);
        } else if (e instanceof Negate negate) {
            return unary(eval(negate.operand()), (a, ea, r) -> ea, 0, x -> -x);
        } else if (e instanceof Binary binary) {
            return binary(binary.operator(), eval(binary.left()), eval(binary.right()));
        } else if (e instanceof Call call) {
            return call(call);
        }
        throw new IllegalStateException(e.toString());
    }

    private static V scalar(double value, double bound) {
        return new V(new double[] {value}, new double[] {bound}, true);
    }

    private interface Propagation {
        /** Error of the result caused by the operand's error, before this operation's own rounding. */
        double apply(double a, double ea, double r);
    }

    private interface Propagation2 {
        double apply(double a, double ea, double b, double eb, double r);
    }

    private interface Op2 {
        double apply(double a, double b);
    }

    private V unary(V a, Propagation propagation, double ulps, DoubleUnaryOperator f) {
        return unary(a, propagation, ulps, false, f);
    }

    private V unary(V a, Propagation propagation, double ulps, boolean absolute, DoubleUnaryOperator f) {
        Precision world = a.scalar ? Precision.FLOAT64 : precision;
        int n = a.size();
        double[] values = new double[n];
        double[] bounds = new double[n];
        for (int i = 0; i < n; i++) {
            double x = a.values[i];
            double r = f.applyAsDouble(x);
            values[i] = r;
            double propagated = a.bounds[i] == 0 ? 0 : propagation.apply(x, a.bounds[i], r);
            bounds[i] = finish(r, propagated + (absolute ? ulps * world.unitRoundoff : 0), ulps, world);
        }
        return new V(values, bounds, a.scalar);
    }

    /** Monotone (or, for square, convex) functions deviate most at the ends of the operand's interval. */
    private V monotone(V a, double ulps, DoubleUnaryOperator f) {
        return monotone(a, ulps, false, f);
    }

    /** {@code absolute}: the function's rounding is a few units of 1 rather than of its result. */
    private V monotone(V a, double ulps, boolean absolute, DoubleUnaryOperator f) {
        return unary(a, (x, ex, r) -> Math.max(Math.abs(f.applyAsDouble(x + ex) - r), Math.abs(f.applyAsDouble(x - ex) - r)),
                ulps, absolute, f);
    }

    private V combine(V a, V b, Op2 f, Propagation2 propagation, double ulps) {
        boolean scalar = a.scalar && b.scalar;
        Precision world = scalar ? Precision.FLOAT64 : precision;
        int n = scalar ? 1 : Math.max(a.scalar ? 0 : a.size(), b.scalar ? 0 : b.size());
        double[] values = new double[n];
        double[] bounds = new double[n];
        for (int i = 0; i < n; i++) {
            double x = a.value(i);
            double y = b.value(i);
            // A scalar meeting a tensor is rounded to the tensor's type first.
            double ex = a.bound(i) + (a.scalar && !scalar ? Math.abs(x - world.round(x)) : 0);
            double ey = b.bound(i) + (b.scalar && !scalar ? Math.abs(y - world.round(y)) : 0);
            double r = f.apply(x, y);
            values[i] = r;
            bounds[i] = finish(r, ex == 0 && ey == 0 ? 0 : propagation.apply(x, ex, y, ey, r), ulps, world);
        }
        return new V(values, bounds, scalar);
    }

    private static double finish(double r, double propagated, double ulps, Precision world) {
        double bound = propagated + ulps * (world.unitRoundoff * Math.abs(r) + world.tiny);
        if (!Double.isFinite(r) || Double.isNaN(bound) || Math.abs(r) + bound > world.max) {
            return Double.POSITIVE_INFINITY;
        }
        return bound;
    }

    private V binary(Expression.Operator operator, V a, V b) {
        switch (operator) {
            case ADD:
                return combine(a, b, Double::sum, (x, ex, y, ey, r) -> ex + ey, BASIC);
            case SUBTRACT:
                return combine(a, b, (x, y) -> x - y, (x, ex, y, ey, r) -> ex + ey, BASIC);
            case MULTIPLY:
                return combine(a, b, (x, y) -> x * y,
                        (x, ex, y, ey, r) -> Math.abs(x) * ey + Math.abs(y) * ex + ex * ey, BASIC);
            case DIVIDE:
                return combine(a, b, (x, y) -> x / y, (x, ex, y, ey, r) -> Math.abs(y) <= ey
                        ? Double.POSITIVE_INFINITY : (ex + Math.abs(r) * ey) / (Math.abs(y) - ey), BASIC);
            case POWER:
                return power(a, b);
            default:
                return compare(operator, a, b);
        }
    }

    private V power(V a, V b) {
        boolean scalar = a.scalar && b.scalar;
        Precision world = scalar ? Precision.FLOAT64 : precision;
        int n = scalar ? 1 : Math.max(a.scalar ? 0 : a.size(), b.scalar ? 0 : b.size());
        double[] values = new double[n];
        double[] bounds = new double[n];
        for (int i = 0; i < n; i++) {
            double x = a.value(i);
            double y = b.value(i);
            double ex = a.bound(i) + (a.scalar && !scalar ? Math.abs(x - world.round(x)) : 0);
            double ey = b.bound(i) + (b.scalar && !scalar ? Math.abs(y - world.round(y)) : 0);
            double r = pow(x, y);
            double deviation = 0;
            for (double dx : new double[] {-ex, 0, ex}) {
                for (double dy : new double[] {-ey, 0, ey}) {
                    deviation = Math.max(deviation, Math.abs(pow(x + dx, y + dy) - r));
                }
            }
            // pow is computed as exp(y·log|x|): its rounding grows with that exponent.
            double ulps = TRANSCENDENTAL + 2 * Math.abs(y * Math.log(Math.abs(x)));
            values[i] = r;
            bounds[i] = finish(r, deviation, Double.isFinite(ulps) ? ulps : 0, world);
        }
        return new V(values, bounds, scalar);
    }

    /** C's pow: 1 to any power, and -1 to an infinite one, are 1. */
    static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }

    private V compare(Expression.Operator operator, V a, V b) {
        return combine(a, b, (x, y) -> holds(operator, x, y) ? 1 : 0, (x, ex, y, ey, r) ->
                Double.isFinite(ex) && Double.isFinite(ey) && Math.abs(x - y) > ex + ey ? 0 : Double.POSITIVE_INFINITY, 0);
    }

    private static boolean holds(Expression.Operator operator, double x, double y) {
        switch (operator) {
            case LESS:
                return x < y;
            case LESS_OR_EQUAL:
                return x <= y;
            case GREATER:
                return x > y;
            case GREATER_OR_EQUAL:
                return x >= y;
            case EQUAL:
                return x == y;
            case NOT_EQUAL:
                return x != y;
            default:
                throw new IllegalArgumentException(operator.toString());
        }
    }

    private V call(Call call) {
        ExpressionFunction function = ExpressionFunction.named(call.function()).orElseThrow();
        V[] args = call.arguments().stream().map(this::eval).toArray(V[]::new);
        switch (function) {
            case ABS:
                return unary(args[0], (x, ex, r) -> ex, 0, Math::abs);
            case RELU:
                return unary(args[0], (x, ex, r) -> ex, 0, x -> x > 0 ? x : (Double.isNaN(x) ? x : 0));
            case SQUARE:
                return monotone(args[0], BASIC, x -> x * x);
            case SQRT:
                return unary(args[0], (x, ex, r) -> x - ex < 0 ? Double.POSITIVE_INFINITY
                        : Math.max(Math.sqrt(x + ex) - r, r - Math.sqrt(x - ex)), BASIC, Math::sqrt);
            case LOG:
                return unary(args[0], (x, ex, r) -> x - ex <= 0 ? Double.POSITIVE_INFINITY
                        : Math.max(Math.log(x + ex) - r, r - Math.log(x - ex)), TRANSCENDENTAL, Math::log);
            case EXP:
                return monotone(args[0], TRANSCENDENTAL, Math::exp);
            case SIGMOID:
                return monotone(args[0], TRANSCENDENTAL, x -> 1 / (1 + Math.exp(-x)));
            case TANH:
                return monotone(args[0], TRANSCENDENTAL, true, Math::tanh);
            case SOFTPLUS:
                return monotone(args[0], 2 * TRANSCENDENTAL, true, x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
            case SUM:
            case MEAN:
            case MAX:
            case MIN:
                if (args.length == 2) {
                    boolean max = function == ExpressionFunction.MAX;
                    return combine(args[0], args[1], (x, y) -> max ? Math.max(x, y) : Math.min(x, y),
                            (x, ex, y, ey, r) -> Math.max(ex, ey), 0);
                }
                return reduce(function, args[0]);
            case WHERE:
                return where(args[0], args[1], args[2]);
            default:
                throw new IllegalArgumentException(function.toString());
        }
    }

    private V reduce(ExpressionFunction function, V a) {
        if (a.scalar) {
            return a;
        }
        int n = a.size();
        double sum = 0;
        double magnitude = 0;
        double error = 0;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        double extremeError = 0;
        for (int i = 0; i < n; i++) {
            double x = a.values[i];
            sum += x;
            magnitude += Math.abs(x);
            error += a.bounds[i];
            max = Double.isNaN(x) || Double.isNaN(max) ? Double.NaN : Math.max(max, x);
            min = Double.isNaN(x) || Double.isNaN(min) ? Double.NaN : Math.min(min, x);
            extremeError = Math.max(extremeError, a.bounds[i]);
        }
        // Summed in float64 by both sides, in whatever order: n roundings of at most the running magnitude.
        double summation = n * Precision.FLOAT64.unitRoundoff * magnitude;
        switch (function) {
            case SUM:
                return scalar(sum, finish(sum, error + summation, BASIC, Precision.FLOAT64));
            case MEAN: {
                double mean = sum / n;
                return scalar(mean, finish(mean, (error + summation) / n, BASIC, Precision.FLOAT64));
            }
            case MAX:
                return scalar(max, finish(max, extremeError, 0, Precision.FLOAT64));
            default:
                return scalar(min, finish(min, extremeError, 0, Precision.FLOAT64));
        }
    }

    private V where(V condition, V a, V b) {
        boolean scalar = condition.scalar && a.scalar && b.scalar;
        int n = scalar ? 1 : Math.max(condition.scalar ? 0 : condition.size(),
                Math.max(a.scalar ? 0 : a.size(), b.scalar ? 0 : b.size()));
        if (condition.scalar) {
            // Decided once: the chosen branch keeps its own shape.
            boolean decided = condition.bounds[0] == 0 || Math.abs(condition.values[0]) > condition.bounds[0];
            V chosen = condition.values[0] != 0 ? a : b;
            return decided ? chosen : new V(chosen.values.clone(), infinite(chosen.size()), chosen.scalar);
        }
        double[] values = new double[n];
        double[] bounds = new double[n];
        for (int i = 0; i < n; i++) {
            double c = condition.value(i);
            double ec = condition.bound(i);
            boolean decided = Double.isFinite(ec) && (ec == 0 || Math.abs(c) > ec);
            V chosen = c != 0 ? a : b;
            double v = chosen.value(i);
            values[i] = v;
            bounds[i] = decided ? chosen.bound(i) + (chosen.scalar ? Math.abs(v - precision.round(v)) : 0)
                    : Double.POSITIVE_INFINITY;
        }
        return new V(values, bounds, false);
    }

    private static double[] infinite(int n) {
        double[] bounds = new double[n];
        Arrays.fill(bounds, Double.POSITIVE_INFINITY);
        return bounds;
    }
}
