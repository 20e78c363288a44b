package io.kerasregistry.expression;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An expression that cannot be used: it does not parse, exceeds a limit, does not fit its role, or
 * the config lacks a value it needs. Checked, because expressions come from users and every caller
 * must answer them with the message rather than a server error.
 *
 * <p>The message lists the {@linkplain #problems() problems}, each as
 * {@code at column 7: expected ')' but found end of expression}.
 */
public final class ExpressionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Enough to fix an expression; a list of a hundred would only hide the first. */
    static final int MAX_REPORTED = 10;

    private final List<Problem> problems;

    ExpressionException(List<Problem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an ExpressionException needs a problem");
        }
        this.problems = List.copyOf(problems.subList(0, Math.min(problems.size(), MAX_REPORTED)));
    }

    ExpressionException(int column, String message) {
        this(List.of(new Problem(column, message)));
    }

    /** The problems, in order of column; at most ten. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        String shown = problems.stream().limit(MAX_REPORTED).map(Problem::toString).collect(Collectors.joining("; "));
        int hidden = problems.size() - MAX_REPORTED;
        return hidden > 0 ? shown + "; and " + hidden + " more" : shown;
    }

    /**
     * One problem.
     *
     * @param column  1-based column in the expression, or 0 when it concerns the expression as a whole
     * @param message what is wrong, in words a user can act on
     */
    public record Problem(int column, String message) implements Serializable {
        public Problem {
            Objects.requireNonNull(message, "message");
            if (column < 0) {
                throw new IllegalArgumentException("column " + column);
            }
        }

        @Override
        public String toString() {
            return column == 0 ? message : "at column " + column + ": " + message;
        }
    }
}
