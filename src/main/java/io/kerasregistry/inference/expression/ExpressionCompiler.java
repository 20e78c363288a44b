package io.kerasregistry.inference.expression;

import io.kerasregistry.expression.CheckedExpression;
import io.kerasregistry.expression.Expression;
import io.kerasregistry.expression.ExpressionException;
import io.kerasregistry.expression.ExpressionFunction;
import io.kerasregistry.inference.expression.Value.Scalar;
import io.kerasregistry.inference.expression.Value.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns a checked expression and the config values of one object into ND4J operations.
 *
 * <p>Every part that does not depend on the tensor ({@code 2 * factor}, {@code sqrt(2 / pi)}) is
 * computed once here, in float64, with the same arithmetic as at run time; only the rest is left to
 * run per call. Checking again is not needed: the expression was checked for its role.
 */
public final class ExpressionCompiler {

    private final String tensorVariable;
    private final Map<String, Double> values;

    private ExpressionCompiler(String tensorVariable, Map<String, Double> values) {
        this.tensorVariable = tensorVariable;
        this.values = values;
    }

    /**
     * Compiles an expression for one object, e.g. the regularizer stored in a model as
     * {@code {"class_name": "MyL1Regularizer", "config": {"factor": 0.01}}} with that {@code config}.
     *
     * @param config the object's config values by name, as read from JSON (numbers and booleans are
     *               used; other entries are ignored unless the expression names them)
     * @throws ExpressionException when a value the expression uses is missing or not a number
     */
    public static CompiledExpression compile(CheckedExpression expression, Map<String, ?> config) throws ExpressionException {
        Map<String, Double> values = expression.bind(config);
        ExpressionCompiler compiler = new ExpressionCompiler(expression.role().tensorVariable(), values);
        return new CompiledExpression(expression, values, compiler.translate(expression.expression()));
    }

    /** One node of a compiled expression, applied to the input already in the data type computed in. */
    @FunctionalInterface
    interface Op {
        Value apply(INDArray input);
    }

    /** A part that does not depend on the tensor, computed when compiling. */
    record Constant(double value) implements Op {
        @Override
        public Value apply(INDArray input) {
            return new Scalar(value);
        }
    }

    // Recursion is bounded: the parser refuses trees deeper than ExpressionParser.MAX_DEPTH.
    private Op translate(Expression expression) {
        if (expression instanceof Expression.Literal literal) {
            return new Constant(literal.value());
        } else if (expression instanceof Expression.Name name) {
            return name.name().equals(tensorVariable) ? Tensor::new : new Constant(values.get(name.name()));
        } else if (expression instanceof Expression.Negate negate) {
            return node(List.of(translate(negate.operand())), args -> TensorMath.negate(args.get(0)));
        } else if (expression instanceof Expression.Binary binary) {
            return node(List.of(translate(binary.left()), translate(binary.right())),
                    args -> TensorMath.binary(binary.operator(), args.get(0), args.get(1)));
        } else if (expression instanceof Expression.Call call) {
            return call(call);
        }
        throw new IllegalStateException("unknown node " + expression.getClass());
    }

    private Op call(Expression.Call call) {
        ExpressionFunction function = ExpressionFunction.named(call.function())
                .orElseThrow(() -> new IllegalStateException("a checked expression calls " + call.function()));
        List<Op> arguments = new ArrayList<>();
        call.arguments().forEach(a -> arguments.add(translate(a)));
        int count = arguments.size();
        if (function == ExpressionFunction.WHERE) {
            if (arguments.get(0) instanceof Constant condition) {
                // Decided now: NaN counts as true, as at run time.
                return condition.value() != 0 ? arguments.get(1) : arguments.get(2);
            }
            return node(arguments, args -> TensorMath.where(args.get(0), args.get(1), args.get(2)));
        }
        if (function.reduces(count)) {
            return node(arguments, args -> TensorMath.reduce(function, args.get(0)));
        }
        if (count == 2) {
            return node(arguments, args -> TensorMath.extremum(function, args.get(0), args.get(1)));
        }
        return node(arguments, args -> TensorMath.unary(function, args.get(0)));
    }

    /** A node that combines its children's values; folded to a constant when they all are. */
    private static Op node(List<Op> children, Function<List<Value>, Value> combine) {
        if (children.stream().allMatch(c -> c instanceof Constant)) {
            List<Value> scalars = children.stream().map(c -> (Value) new Scalar(((Constant) c).value())).toList();
            return new Constant(((Scalar) combine.apply(scalars)).value());
        }
        return input -> {
            List<Value> args = new ArrayList<>(children.size());
            for (Op child : children) {
                args.add(child.apply(input));
            }
            return combine.apply(args);
        };
    }
}
