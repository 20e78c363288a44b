package io.kerasregistry.expression;

/** What a custom object defined by an expression is used as, which decides its tensor variable and result. */
public enum ExpressionRole {
    /** A weight or activity regularizer: {@code w} in, one number (the penalty) out. */
    REGULARIZER("w", "a regularizer"),
    /** A weight constraint: {@code w} in, a tensor shaped like {@code w} out. */
    CONSTRAINT("w", "a constraint"),
    /** An activation: {@code x} in, a tensor shaped like {@code x} out, each element from its own input only. */
    ACTIVATION("x", "an activation");

    private final String tensorVariable;
    private final String description;

    ExpressionRole(String tensorVariable, String description) {
        this.tensorVariable = tensorVariable;
        this.description = description;
    }

    /** The name that stands for the input tensor: {@code w} or {@code x}. */
    public String tensorVariable() {
        return tensorVariable;
    }

    /** Whether the result is one number rather than a tensor shaped like the input. */
    public boolean reducesToScalar() {
        return this == REGULARIZER;
    }

    /** "a regularizer", for messages. */
    String description() {
        return description;
    }
}
