package io.kerasregistry.expression;

import io.kerasregistry.expression.ExpressionException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether an expression fits a role, working out for each node whether it is one number
 * (a scalar) or a tensor shaped like the input. Collects every problem rather than stopping at the
 * first, so that a user fixes an expression in one round.
 */
final class RoleChecker {

    enum Kind {
        SCALAR, TENSOR;

        static Kind of(Kind a, Kind b) {
            return a == TENSOR || b == TENSOR ? TENSOR : SCALAR;
        }
    }

    /** Names users reach for that mean one of ours, and what to write instead. */
    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("pow", "powers are written with '^', as in w ^ 2"),
            Map.entry("power", "powers are written with '^', as in w ^ 2"),
            Map.entry("maximum", "did you mean 'max'? max(a, b) is the elementwise maximum"),
            Map.entry("minimum", "did you mean 'min'? min(a, b) is the elementwise minimum"),
            Map.entry("reduce_sum", "did you mean 'sum'?"),
            Map.entry("reduce_mean", "did you mean 'mean'?"),
            Map.entry("reduce_max", "did you mean 'max'?"),
            Map.entry("reduce_min", "did you mean 'min'?"),
            // Edit distance would offer 'relu' for these, which is wrong; say how to write them instead.
            Map.entry("gelu", "write its tanh approximation: 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x ^ 3)))"),
            Map.entry("elu", "write where(x > 0, x, alpha * (exp(x) - 1))"),
            Map.entry("selu", "write 1.0507009873554805 * where(x > 0, x, 1.6732632423543772 * (exp(x) - 1))"),
            Map.entry("leaky_relu", "write where(x > 0, x, 0.2 * x)"),
            Map.entry("swish", "write x * sigmoid(x)"),
            Map.entry("silu", "write x * sigmoid(x)"));

    private final ExpressionRole role;
    private final List<Problem> problems = new ArrayList<>();
    /** Each config parameter and the column where it is first used. */
    private final Map<String, Integer> parameters = new TreeMap<>();
    private boolean usesTensor;

    private RoleChecker(ExpressionRole role) {
        this.role = role;
    }

    static CheckedExpression check(Expression expression, ExpressionRole role) throws ExpressionException {
        RoleChecker checker = new RoleChecker(role);
        Kind result = checker.kindOf(expression);
        if (checker.problems.isEmpty()) {
            checker.checkResult(result);
        }
        if (!checker.problems.isEmpty()) {
            checker.problems.sort(Comparator.comparingInt(Problem::column));
            throw new ExpressionException(checker.problems);
        }
        return new CheckedExpression(expression, role, checker.parameters, checker.usesTensor);
    }

    private void checkResult(Kind result) {
        String tensor = role.tensorVariable();
        if (role.reducesToScalar() && result == Kind.TENSOR) {
            problem(0, role.description() + " must reduce " + tensor + " to one number, as in sum(abs(" + tensor
                    + ")) or mean(square(" + tensor + ")), but this expression gives a tensor");
        } else if (!role.reducesToScalar() && result == Kind.SCALAR) {
            problem(0, role.description() + " must give a tensor shaped like " + tensor
                    + ", but this expression gives one number" + (usesTensor ? "" : " (it does not use " + tensor + ")"));
        }
    }

    // Recursion is bounded: the parser refuses trees deeper than ExpressionParser.MAX_DEPTH.
    private Kind kindOf(Expression expression) {
        if (expression instanceof Expression.Literal) {
            return Kind.SCALAR;
        } else if (expression instanceof Expression.Name name) {
            return kindOfName(name);
        } else if (expression instanceof Expression.Negate negate) {
            return kindOf(negate.operand());
        } else if (expression instanceof Expression.Binary binary) {
            return Kind.of(kindOf(binary.left()), kindOf(binary.right()));
        } else if (expression instanceof Expression.Call call) {
            return kindOfCall(call);
        }
        throw new IllegalStateException("unknown node " + expression.getClass());
    }

    private Kind kindOfName(Expression.Name name) {
        String text = name.name();
        if (text.equals(role.tensorVariable())) {
            usesTensor = true;
            return Kind.TENSOR;
        }
        List<String> owners = Stream.of(ExpressionRole.values())
                .filter(r -> r.tensorVariable().equals(text)).map(ExpressionRole::description).toList();
        if (!owners.isEmpty()) {
            problem(name.column(), "'" + text + "' is the tensor of " + String.join(" or ", owners)
                    + "; in " + role.description() + " the tensor is '" + role.tensorVariable() + "'");
            return Kind.TENSOR;
        }
        if (ExpressionFunction.named(text).isPresent()) {
            problem(name.column(), "'" + text + "' is a function; call it, as in " + text + "(" + role.tensorVariable() + ")");
            return Kind.SCALAR;
        }
        parameters.putIfAbsent(text, name.column());
        return Kind.SCALAR;
    }

    private Kind kindOfCall(Expression.Call call) {
        List<Kind> arguments = new ArrayList<>();
        for (Expression argument : call.arguments()) {
            arguments.add(kindOf(argument));
        }
        Kind elementwise = arguments.stream().reduce(Kind.SCALAR, Kind::of);
        Optional<ExpressionFunction> known = ExpressionFunction.named(call.function());
        if (known.isEmpty()) {
            problem(call.column(), unknownFunction(call.function()));
            return elementwise;
        }
        ExpressionFunction function = known.get();
        int given = call.arguments().size();
        if (given < function.minArguments() || given > function.maxArguments()) {
            problem(call.column(), arity(function, given));
            return elementwise;
        }
        if (!function.reduces(given)) {
            return elementwise;
        }
        if (role == ExpressionRole.ACTIVATION && elementwise == Kind.TENSOR) {
            problem(call.column(), "an activation must work element by element, but " + function.functionName()
                    + "(...) reduces x over the whole batch to one number");
        }
        return Kind.SCALAR;
    }

    private static String arity(ExpressionFunction function, int given) {
        int min = function.minArguments();
        int max = function.maxArguments();
        String expected = min == max ? String.valueOf(min) : min + " or " + max;
        return function.functionName() + " takes " + expected + (max == 1 ? " argument" : " arguments")
                + " but was given " + given;
    }

    private String unknownFunction(String name) {
        String message = "unknown function '" + name + "'";
        if (name.equals(role.tensorVariable()) || parameters.containsKey(name)) {
            return "'" + name + "' is not a function; multiplication is written with '*', as in 2 * (" + name + ")";
        }
        String hint = HINTS.get(name);
        if (hint != null) {
            return message + "; " + hint;
        }
        List<String> close = closestFunctions(name);
        if (!close.isEmpty()) {
            return message + "; did you mean " + close.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" or ")) + "?";
        }
        return message + "; the functions are " + Stream.of(ExpressionFunction.values())
                .map(ExpressionFunction::functionName).collect(Collectors.joining(", "));
    }

    /** The known functions nearest to a misspelling: same letters in another case, or one or two edits away. */
    static List<String> closestFunctions(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        Map<String, Integer> distances = new LinkedHashMap<>();
        for (ExpressionFunction function : ExpressionFunction.values()) {
            String candidate = function.functionName();
            // A long name is never compared in full: the distance cannot be small anyway.
            if (Math.abs(candidate.length() - lower.length()) <= 2) {
                distances.put(candidate, editDistance(lower, candidate));
            }
        }
        int best = distances.values().stream().min(Integer::compare).orElse(Integer.MAX_VALUE);
        // Two edits turn any three-letter name into another ('foo' into 'log'): short names get one.
        int allowed = lower.length() <= 4 ? 1 : 2;
        if (best > allowed) {
            return List.of();
        }
        return distances.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private void problem(int column, String message) {
        problems.add(new Problem(column, message));
    }
}
