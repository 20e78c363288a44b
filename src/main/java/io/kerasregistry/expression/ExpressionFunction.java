package io.kerasregistry.expression;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The functions an expression may call, and nothing else. */
public enum ExpressionFunction {
    ABS(1, 1),
    SQRT(1, 1),
    SQUARE(1, 1),
    EXP(1, 1),
    LOG(1, 1),
    SIGMOID(1, 1),
    TANH(1, 1),
    RELU(1, 1),
    SOFTPLUS(1, 1),
    /** Sum of all elements: one number. */
    SUM(1, 1),
    /** Mean of all elements: one number. */
    MEAN(1, 1),
    /** With one argument the largest element (one number); with two the elementwise maximum. */
    MAX(1, 2),
    /** With one argument the smallest element (one number); with two the elementwise minimum. */
    MIN(1, 2),
    /** {@code where(condition, a, b)}: {@code a} where the condition is non-zero, else {@code b}. */
    WHERE(3, 3);

    private final int minArguments;
    private final int maxArguments;

    ExpressionFunction(int minArguments, int maxArguments) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
    }

    /** The name as written in expressions: {@code sigmoid}. */
    public String functionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int minArguments() {
        return minArguments;
    }

    public int maxArguments() {
        return maxArguments;
    }

    /** Whether a call with this many arguments reduces its argument to one number. */
    public boolean reduces(int arguments) {
        return this == SUM || this == MEAN || ((this == MAX || this == MIN) && arguments == 1);
    }

    /** The function written {@code name}; names are case-sensitive, as in Python. */
    public static Optional<ExpressionFunction> named(String name) {
        return Arrays.stream(values()).filter(f -> f.functionName().equals(name)).findFirst();
    }
}
