/**
 * The tensor expression language in which users define custom Keras objects (a regularizer
 * {@code 0.001 * sum(abs(w))}, an activation {@code x * sigmoid(1.702 * x)}): parsing, checking an
 * expression for the role it is registered in, and binding it to an object's config values.
 *
 * <p>Expressions are untrusted user input, so this package only reads them: it never evaluates a
 * tensor and never loads ND4J, which lets the process serving the API parse and check expressions
 * without native code. Evaluation lives in {@code io.kerasregistry.inference.expression}, on the
 * worker side. Plain Java only: no Spring, no ND4J, no reflection.
 *
 * <p>The user-facing description of the language is {@code docs/expressions.md}; the grammar is in
 * {@link io.kerasregistry.expression.ExpressionParser}.
 */
@NullMarked
package io.kerasregistry.expression;

import org.jspecify.annotations.NullMarked;
