/**
 * Evaluating checked expressions with ND4J: {@link io.kerasregistry.inference.expression.ExpressionCompiler}
 * turns a {@link io.kerasregistry.expression.CheckedExpression} and an object's config values into a
 * {@link io.kerasregistry.inference.expression.CompiledExpression} that the inference engine calls
 * like any other regularizer, constraint or activation.
 *
 * <p>Worker side only: this package loads ND4J's native code, which must never run in the process
 * serving the API. Nothing here runs code from the expression: a compiled expression is a tree of
 * fixed ND4J operations chosen when it is compiled.
 */
@NullMarked
package io.kerasregistry.inference.expression;

import org.jspecify.annotations.NullMarked;
