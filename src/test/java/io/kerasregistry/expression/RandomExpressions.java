package io.kerasregistry.expression;

import io.kerasregistry.expression.Expression.Binary;
import io.kerasregistry.expression.Expression.Call;
import io.kerasregistry.expression.Expression.Literal;
import io.kerasregistry.expression.Expression.Name;
import io.kerasregistry.expression.Expression.Negate;
import io.kerasregistry.expression.Expression.Operator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random expressions that fit a role, drawn from a seeded generator so that every failure can be
 * replayed from its seed. They use every operator and function, scalars and tensors mixed, and
 * reductions wherever the role allows them.
 */
public final class RandomExpressions {

    private static final double[] LITERALS = {0, 0.5, 1, 2, 3, 1.702, 0.001, 1e-7, 0.1, 10, 0.25};
    private static final double[] EXPONENTS = {2, 3, 0.5, -1, 1.5, 0, -0.5};
    private static final String[] PARAMETERS = {"a", "b", "factor"};
    private static final String[] ELEMENTWISE = {"abs", "sqrt", "square", "exp", "log", "sigmoid", "tanh", "relu", "softplus"};
    private static final Operator[] ARITHMETIC = {Operator.ADD, Operator.SUBTRACT, Operator.MULTIPLY, Operator.DIVIDE};
    private static final Operator[] COMPARISONS = {Operator.LESS, Operator.LESS_OR_EQUAL, Operator.GREATER,
            Operator.GREATER_OR_EQUAL, Operator.EQUAL, Operator.NOT_EQUAL};
    private static final String[] REDUCTIONS = {"sum", "mean", "max", "min"};

    private final SplittableRandom random;
    private final ExpressionRole role;
    private final Name tensor;

    private RandomExpressions(SplittableRandom random, ExpressionRole role) {
        this.random = random;
        this.role = role;
        this.tensor = new Name(role.tensorVariable(), 1);
    }

    /** The source text of a random expression for the role, at most {@code depth} calls and operators deep. */
    public static String generate(SplittableRandom random, ExpressionRole role, int depth) {
        RandomExpressions g = new RandomExpressions(random, role);
        return g.root(depth).toString();
    }

    /** Config values for the parameters: doubles, integers and booleans, as JSON would give them. */
    public static Map<String, Object> config(SplittableRandom random, Set<String> parameters) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String name : parameters) {
            int kind = random.nextInt(5);
            if (kind == 0) {
                config.put(name, random.nextInt(-3, 4));
            } else if (kind == 1) {
                config.put(name, random.nextBoolean());
            } else {
                config.put(name, Math.round(random.nextDouble(-2, 2) * 1000) / 1000.0);
            }
        }
        config.put("name", "not_used");
        return config;
    }

    private Expression root(int depth) {
        if (!role.reducesToScalar()) {
            return tensor(depth);
        }
        switch (random.nextInt(3)) {
            case 0:
                return reduction(depth);
            case 1:
                return new Binary(Operator.MULTIPLY, leaf(), reduction(depth), 1);
            default:
                return new Binary(pick(ARITHMETIC), reduction(depth - 1), scalar(depth - 1), 1);
        }
    }

    private Expression tensor(int depth) {
        if (depth <= 0) {
            return tensor;
        }
        int d = depth - 1;
        switch (random.nextInt(12)) {
            case 0:
                return tensor;
            case 1:
            case 2:
                return call(pick(ELEMENTWISE), tensor(d));
            case 3:
                return new Negate(tensor(d), 1);
            case 4:
                return new Binary(pick(ARITHMETIC), tensor(d), any(d), 1);
            case 5:
                return new Binary(pick(ARITHMETIC), any(d), tensor(d), 1);
            case 6:
                return random.nextBoolean()
                        ? new Binary(Operator.POWER, tensor(d), exponent(), 1)
                        : new Binary(Operator.POWER, new Literal(random.nextBoolean() ? 2 : 0.5, 1), tensor(d), 1);
            case 7:
                return random.nextBoolean() ? comparison(tensor(d), any(d)) : comparison(any(d), tensor(d));
            case 8:
                return call("where", comparison(tensor(d), any(d)), any(d), any(d));
            case 9:
                return call(random.nextBoolean() ? "max" : "min", tensor(d), any(d));
            default:
                if (role == ExpressionRole.ACTIVATION) {
                    return new Binary(pick(ARITHMETIC), tensor(d), leaf(), 1);
                }
                return new Binary(pick(ARITHMETIC), tensor(d), reduction(d), 1);
        }
    }

    private Expression scalar(int depth) {
        if (depth <= 0) {
            return leaf();
        }
        int d = depth - 1;
        switch (random.nextInt(7)) {
            case 0:
            case 1:
                return leaf();
            case 2:
                return role == ExpressionRole.ACTIVATION ? call(pick(ELEMENTWISE), scalar(d)) : reduction(d);
            case 3:
                return new Binary(pick(ARITHMETIC), scalar(d), scalar(d), 1);
            case 4:
                return call(pick(ELEMENTWISE), scalar(d));
            case 5:
                return new Negate(scalar(d), 1);
            default:
                return call("where", comparison(scalar(d), scalar(d)), scalar(d), scalar(d));
        }
    }

    private Expression reduction(int depth) {
        return call(pick(REDUCTIONS), tensor(Math.max(depth, 0)));
    }

    private Expression any(int depth) {
        return random.nextBoolean() ? tensor(depth) : scalar(depth);
    }

    private Expression exponent() {
        double e = pick(EXPONENTS);
        return e < 0 ? new Negate(new Literal(-e, 1), 1) : new Literal(e, 1);
    }

    private Expression leaf() {
        return random.nextInt(3) == 0
                ? new Name(PARAMETERS[random.nextInt(PARAMETERS.length)], 1)
                : new Literal(pick(LITERALS), 1);
    }

    private Expression comparison(Expression left, Expression right) {
        return new Binary(pick(COMPARISONS), left, right, 1);
    }

    private static Call call(String function, Expression... arguments) {
        return new Call(function, List.of(arguments), 1);
    }

    private <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private double pick(double[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
