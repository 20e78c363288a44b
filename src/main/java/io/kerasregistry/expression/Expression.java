package io.kerasregistry.expression;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed expression: an immutable tree. Every node knows the column (1-based, counted in
 * characters from the start of the source) of the token that made it, so that later checks can point
 * at the offending place.
 *
 * <p>{@link #toString()} renders the tree fully parenthesized, e.g. {@code (factor * sum(abs(w)))},
 * which {@link ExpressionParser#parse} reads back into the same tree (columns aside) as long as it is
 * within the parser's limits.
 *
 * <p>The parser enforces the size and depth limits; a tree built by hand is trusted to be reasonable.
 */
public sealed interface Expression
        permits Expression.Literal, Expression.Name, Expression.Negate, Expression.Binary, Expression.Call {

    /** The 1-based column of the token that made this node (operator, name, number, '-'). */
    int column();

    /**
     * Every name used as a value, whether the tensor variable ({@code w}, {@code x}) or a config
     * parameter; function names are not variables. Sorted.
     */
    default Set<String> freeVariables() {
        Set<String> names = new TreeSet<>();
        // Iterative, so that a tree built by hand cannot overflow the stack here.
        Deque<Expression> pending = new ArrayDeque<>();
        pending.push(this);
        while (!pending.isEmpty()) {
            Expression e = pending.pop();
            if (e instanceof Name n) {
                names.add(n.name());
            } else if (e instanceof Negate n) {
                pending.push(n.operand());
            } else if (e instanceof Binary b) {
                pending.push(b.left());
                pending.push(b.right());
            } else if (e instanceof Call c) {
                c.arguments().forEach(pending::push);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Checks that this expression can serve in the given role: the right tensor variable, known
     * functions with the right number of arguments, and a result of the right kind (one number for
     * a regularizer, a tensor for an activation or a constraint).
     *
     * @throws ExpressionException listing every problem found, each with its column
     */
    default CheckedExpression check(ExpressionRole role) throws ExpressionException {
        return RoleChecker.check(this, role);
    }

    /** A number as written, e.g. {@code 1e-3}. Always finite and non-negative: '-' is {@link Negate}. */
    record Literal(double value, int column) implements Expression {
        public Literal {
            // Negative numbers are Negate nodes; a negative literal would not print as it parses.
            if (!Double.isFinite(value) || Double.compare(value, 0.0) < 0) {
                throw new IllegalArgumentException("a literal must be finite and not negative: " + value);
            }
        }

        @Override
        public String toString() {
            String text = Double.toString(value);
            return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
        }
    }

    /** A name used as a value: the tensor variable or a config parameter. */
    record Name(String name, int column) implements Expression {
        public Name {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Unary minus. */
    record Negate(Expression operand, int column) implements Expression {
        public Negate {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public String toString() {
            return "(-" + operand + ")";
        }
    }

    /** A binary operator; {@code column} is the operator's. */
    record Binary(Operator operator, Expression left, Expression right, int column) implements Expression {
        public Binary {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public String toString() {
            return "(" + left + " " + operator.symbol() + " " + right + ")";
        }
    }

    /**
     * A function call as written. The parser accepts any name here; {@link #check} tells whether it
     * names an {@link ExpressionFunction} and has the right number of arguments.
     */
    record Call(String function, List<Expression> arguments, int column) implements Expression {
        public Call {
            Objects.requireNonNull(function, "function");
            arguments = List.copyOf(arguments);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(function).append('(');
            for (int i = 0; i < arguments.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(arguments.get(i));
            }
            return s.append(')').toString();
        }
    }

    /** The binary operators, from {@code ^} (binds tightest) to the comparisons (loosest). */
    enum Operator {
        POWER("^"),
        MULTIPLY("*"),
        DIVIDE("/"),
        ADD("+"),
        SUBTRACT("-"),
        LESS("<"),
        LESS_OR_EQUAL("<="),
        GREATER(">"),
        GREATER_OR_EQUAL(">="),
        EQUAL("=="),
        NOT_EQUAL("!=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** Comparisons give 1 where they hold and 0 elsewhere. */
        public boolean isComparison() {
            return ordinal() >= LESS.ordinal();
        }
    }
}
