/**
 * Reading Keras model files into an immutable {@link io.kerasregistry.keras.KerasModel}.
 *
 * <p>Knows nothing of Spring or JPA: jhdf, Jackson and {@code java.util.zip} only. Uploaded files
 * are untrusted, so every reader works within {@link io.kerasregistry.keras.KerasReadLimits} and
 * never executes anything a file contains (Lambda bytecode and pickled {@code .npz} data are
 * reported as {@link io.kerasregistry.keras.Finding findings}, never decoded).
 *
 * <h2>Conventions of the normalised description</h2>
 * <ul>
 *   <li>{@link io.kerasregistry.keras.TensorRef#call()} is the index of the call in the producing
 *       layer's {@link io.kerasregistry.keras.Layer#calls()}, whatever the file's era: Keras 2 configs
 *       count a nested model's internal node first and Keras 3 configs do so only in
 *       {@code output_layers}; both are rewritten. A reference to an input layer always has call 0.</li>
 *   <li>A Sequential is a chain: each layer has one call taking the previous layer's output. One without
 *       an input layer but with a recorded input shape gets a synthesised {@code InputLayer}, named as
 *       Keras names it ({@code <first layer>_input}; Keras 3: {@code input_layer}); it is part of the
 *       {@link io.kerasregistry.keras.Network} but not of {@link io.kerasregistry.keras.KerasModel#layers()}.</li>
 *   <li>{@link io.kerasregistry.keras.Call#inputs()} lists the tensors of the positional arguments in
 *       order, then tensor-valued keyword arguments other than {@code mask} ({@code initial_state},
 *       {@code constants}) in name order. Keyword arguments are kept as stored in
 *       {@link io.kerasregistry.keras.Call#kwargs()}, including a {@code mask} tensor.</li>
 *   <li>{@link io.kerasregistry.keras.KerasModel#layers()} lists layers in the order of the
 *       maintainers' reference inspector: each layer, then the layers of a nested model, then a
 *       wrapper's inner layers ({@code bidirectional/forward_lstm}, {@code time_distributed/dense}, an
 *       RNN's {@code cell}).</li>
 *   <li>Weights: a wrapper ({@code Bidirectional}, {@code TimeDistributed}, {@code RNN}) holds its inner
 *       layers' weights, in Keras's {@code layer.weights} order (a Bidirectional's forward layer, then
 *       its backward layer); the inner layers' summaries count no parameters. A nested model's
 *       weights belong to its inner layers (Keras 2 files store them in one group; they are attributed
 *       by the layer names in the weight names, else left on the nested model with the finding
 *       {@code NESTED_WEIGHTS_UNSPLIT}).</li>
 *   <li>Keras 1 configs keep their class names ({@code Convolution2D};
 *       {@link io.kerasregistry.keras.Layer#canonicalClassName()} gives the Keras 2 class) but use Keras 2
 *       argument names; their weights are listed exactly as stored (an LSTM's twelve per-gate arrays
 *       {@code W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o}, a GRU's nine).</li>
 * </ul>
 */
@NullMarked
package io.kerasregistry.keras;

import org.jspecify.annotations.NullMarked;
