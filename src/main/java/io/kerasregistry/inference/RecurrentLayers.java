package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/**
 * SimpleRNN, LSTM, GRU (both {@code reset_after} forms), the generic RNN layer around one of their
 * cells, and the cuDNN variants of Keras 2 ({@code keras/src/layers/rnn}). One timestep at a time;
 * the input projection of all timesteps is one matrix product.
 *
 * <p>Masked timesteps keep the previous state and output the previous output (zero before the first
 * unmasked step), or zero when {@code zero_output_for_mask}: TensorFlow's {@code keras.backend.rnn}.
 */
final class RecurrentLayers {

    private RecurrentLayers() {
    }

    static void register(Translators t) {
        t.put("SimpleRNN", ctx -> rnn(ctx, ctx.cfg.node(), Kind.SIMPLE, false));
        t.put("LSTM", ctx -> rnn(ctx, ctx.cfg.node(), Kind.LSTM, false));
        t.put("GRU", ctx -> rnn(ctx, ctx.cfg.node(), Kind.GRU, false));
        t.put("CuDNNLSTM", ctx -> rnn(ctx, ctx.cfg.node(), Kind.LSTM, true));
        t.put("CuDNNGRU", ctx -> rnn(ctx, ctx.cfg.node(), Kind.GRU, true));
        t.put("RNN", RecurrentLayers::genericRnn);
    }

    enum Kind {
        SIMPLE(1), LSTM(4), GRU(3);

        final int gates;

        Kind(int gates) {
            this.gates = gates;
        }
    }

    /** {@code RNN(cell=LSTMCell(...))}: the layer options are the RNN's, the math the cell's. */
    static LayerOp genericRnn(LayerContext ctx) {
        JsonNode cell = ctx.cfg.raw("cell");
        if (cell == null || !cell.isObject()) {
            return ctx.unsupported("cell=" + cell);
        }
        String cn = cell.path("class_name").asString("");
        Kind kind = switch (cn) {
            case "SimpleRNNCell" -> Kind.SIMPLE;
            case "LSTMCell" -> Kind.LSTM;
            case "GRUCell" -> Kind.GRU;
            default -> null;
        };
        if (kind == null) {
            return ctx.unsupported("cell=" + (cn.isEmpty() ? cell.toString() : cn));
        }
        return rnn(ctx, cell.path("config"), kind, false);
    }

    /**
     * Builds a recurrent op. {@code cellConfig} holds units, activations and bias options (the layer's
     * own config, or its cell's); the sequence options come from the layer config.
     */
    @Nullable
    static LayerOp rnn(LayerContext ctx, JsonNode cellConfig, Kind kind, boolean cudnn) {
        Config layer = ctx.cfg;
        Config cell = new Config(cellConfig);
        int units = cell.integer("units", cell.integer("output_dim", -1));
        boolean useBias = cell.bool("use_bias", true);
        boolean resetAfter = kind == Kind.GRU && (cudnn || cell.bool("reset_after", ctx.flavor().tfKeras()
                || ctx.flavor().major() >= 3));
        UnaryOperator<INDArray> act = cudnn ? Nd::tanh : ctx.activationOf(cell.raw("activation"), "tanh", "activation");
        String recDefault = ctx.flavor().major() >= 3 || ctx.flavor().tfKeras() ? "sigmoid" : "hard_sigmoid";
        UnaryOperator<INDArray> rec = kind == Kind.SIMPLE ? null
                : cudnn ? Nd::sigmoid
                : ctx.activationOf(cell.raw(cell.has("recurrent_activation") ? "recurrent_activation"
                        : "inner_activation"), recDefault, "recurrent_activation");
        boolean returnSequences = layer.bool("return_sequences", false);
        boolean returnState = layer.bool("return_state", false);
        boolean goBackwards = layer.bool("go_backwards", false);
        boolean timeMajor = layer.bool("time_major", false);
        boolean zeroOutputForMask = layer.bool("zero_output_for_mask", false);
        if (units <= 0) {
            return ctx.invalid("units=" + units);
        }
        Weights w = ctx.weights;
        boolean keras1 = ctx.flavor().major() == 1 || (kind == Kind.LSTM && w.size() == 12)
                || (kind == Kind.GRU && w.size() == 9);
        int expected = useBias ? 3 : 2;
        if (keras1) {
            int k1 = kind == Kind.LSTM ? 12 : kind == Kind.GRU ? 9 : 3;
            if (w.size() != k1) {
                return ctx.invalid("expected " + k1 + " Keras 1 weights, the file has " + w.size());
            }
        } else {
            long g = (long) kind.gates * units;
            long[] biasShape = cudnn ? new long[] {2 * g} : resetAfter ? new long[] {2, g} : new long[] {g};
            if (!ctx.expectWeights(useBias ? new long[][] {{-1, g}, {units, g}, biasShape}
                    : new long[][] {{-1, g}, {units, g}})) {
                return null;
            }
        }
        return new RnnOp(kind, units, useBias, resetAfter, cudnn, keras1, act, rec, returnSequences, returnState,
                goBackwards, timeMajor, zeroOutputForMask, w, expected);
    }

    static final class RnnOp implements LayerOp {
        final Kind kind;
        final int units;
        final boolean useBias;
        final boolean resetAfter;
        final boolean cudnn;
        final boolean keras1;
        final UnaryOperator<INDArray> act;
        final UnaryOperator<INDArray> rec;
        final boolean returnSequences;
        final boolean returnState;
        final boolean goBackwards;
        final boolean timeMajor;
        boolean zeroOutputForMask;
        final Weights w;
        final int expected;
        private INDArray kernel;
        private INDArray recurrent;
        private INDArray inputBias;
        private INDArray recurrentBias;

        RnnOp(Kind kind, int units, boolean useBias, boolean resetAfter, boolean cudnn, boolean keras1,
                UnaryOperator<INDArray> act, UnaryOperator<INDArray> rec, boolean returnSequences, boolean returnState,
                boolean goBackwards, boolean timeMajor, boolean zeroOutputForMask, Weights w, int expected) {
            this.kind = kind;
            this.units = units;
            this.useBias = useBias;
            this.resetAfter = resetAfter;
            this.cudnn = cudnn;
            this.keras1 = keras1;
            this.act = act;
            this.rec = rec;
            this.returnSequences = returnSequences;
            this.returnState = returnState;
            this.goBackwards = goBackwards;
            this.timeMajor = timeMajor;
            this.zeroOutputForMask = zeroOutputForMask;
            this.w = w;
            this.expected = expected;
        }

        int stateCount() {
            return kind == Kind.LSTM ? 2 : 1;
        }

        @Override
        public void prepare() {
            if (keras1 && kind != Kind.SIMPLE) {
                // Keras 1 stored one array per gate: LSTM i, c, f, o (Keras 2 orders i, f, c, o); GRU z, r, h
                int[] order = kind == Kind.LSTM ? new int[] {0, 2, 1, 3} : new int[] {0, 1, 2};
                List<INDArray> ks = new ArrayList<>();
                List<INDArray> us = new ArrayList<>();
                List<INDArray> bs = new ArrayList<>();
                for (int gate : order) {
                    ks.add(w.get(3 * gate));
                    us.add(w.get(3 * gate + 1));
                    bs.add(w.get(3 * gate + 2));
                }
                kernel = Nd.concat(1, ks);
                recurrent = Nd.concat(1, us);
                inputBias = Nd.concat(0, bs);
                for (int i = 0; i < w.size(); i++) {
                    w.replace(i, i == 0 ? kernel : i == 1 ? recurrent : i == 2 ? inputBias : w.get(i));
                }
                return;
            }
            kernel = w.get(0);
            recurrent = w.get(1);
            if (!useBias) {
                return;
            }
            INDArray b = w.get(2);
            long g = (long) kind.gates * units;
            if (cudnn && kind == Kind.LSTM) {
                // cuDNN keeps separate input and recurrent biases; an LSTM only ever uses their sum
                inputBias = Nd.slice(b, 0, 0, g).add(Nd.slice(b, 0, g, 2 * g));
            } else if (cudnn || resetAfter) {
                INDArray b2 = Nd.reshape(b, 2, g);
                inputBias = Nd.take(b2, 0, 0);
                recurrentBias = Nd.take(b2, 0, 1);
            } else {
                inputBias = b;
            }
        }

        @Override
        public Map<String, List<INDArray>> regularizedWeights() {
            Map<String, List<INDArray>> m = new HashMap<>();
            m.put("kernel", List.of(w.get(0)));
            m.put("recurrent", List.of(w.get(1)));
            if (useBias) {
                m.put("bias", List.of(w.get(2)));
            }
            return m;
        }

        @Override
        public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
            Tensor in = inputs.get(0);
            INDArray x = timeMajor ? Nd.contiguous(in.value().permute(1, 0, 2)) : in.value();
            List<INDArray> initial = new ArrayList<>();
            for (int i = 1; i < inputs.size(); i++) {
                initial.add(inputs.get(i).value());
            }
            Result r = run(x, in.mask(), initial);
            INDArray out = r.output;
            if (timeMajor && returnSequences) {
                out = Nd.contiguous(out.permute(1, 0, 2));
            }
            List<Tensor> result = new ArrayList<>();
            result.add(new Tensor(out, returnSequences ? in.mask() : null));
            if (returnState) {
                for (INDArray s : r.states) {
                    result.add(Tensor.of(s));
                }
            }
            return result;
        }

        record Result(INDArray output, List<INDArray> states) {
        }

        /** Runs the sequence {@code x (B, T, F)} from the given (or zero) initial states. */
        Result run(INDArray x, @Nullable INDArray mask, List<INDArray> initial) {
            long b = x.size(0);
            long t = x.size(1);
            if (!initial.isEmpty() && initial.size() != stateCount()) {
                throw new InferenceException("expected " + stateCount() + " initial state tensors, got " + initial.size());
            }
            INDArray[] states = new INDArray[stateCount()];
            for (int i = 0; i < states.length; i++) {
                states[i] = initial.isEmpty() ? Nd.zeros(b, units) : Nd.reshape(initial.get(i), b, units);
            }
            INDArray xw = Nd.matmulLast(x, kernel);
            if (inputBias != null) {
                xw.addi(inputBias);
            }
            INDArray prevOut = Nd.zeros(b, units);
            List<INDArray> outs = new ArrayList<>((int) t);
            long g = (long) kind.gates * units;
            for (long step = 0; step < t; step++) {
                long ti = goBackwards ? t - 1 - step : step;
                INDArray xt = Nd.take(xw, 1, ti);
                INDArray[] next = cell(xt, states, g);
                INDArray out = next[0];
                if (mask != null) {
                    INDArray m = Nd.reshape(Nd.take(mask, 1, ti), b, 1);
                    INDArray keep = m.broadcast(b, units);
                    INDArray drop = keep.rsub(1.0);
                    INDArray fallback = zeroOutputForMask ? Nd.zeros(b, units) : prevOut;
                    out = out.mul(keep).addi(fallback.mul(drop));
                    for (int i = 0; i < next.length; i++) {
                        next[i] = next[i].mul(keep).addi(states[i].mul(drop));
                    }
                }
                states = next;
                prevOut = out;
                if (returnSequences) {
                    outs.add(out);
                }
            }
            INDArray output = returnSequences ? (t == 0 ? Nd.zeros(b, 0, units) : Nd.stack(1, outs)) : prevOut;
            return new Result(output, List.of(states));
        }

        /** One step; returns the new states, the first being the step's output. */
        private INDArray[] cell(INDArray xt, INDArray[] s, long g) {
            INDArray h = s[0];
            switch (kind) {
                case SIMPLE -> {
                    return new INDArray[] {act.apply(xt.add(h.mmul(recurrent)))};
                }
                case LSTM -> {
                    INDArray z = xt.add(h.mmul(recurrent));
                    INDArray i = rec.apply(Nd.slice(z, 1, 0, units));
                    INDArray f = rec.apply(Nd.slice(z, 1, units, 2L * units));
                    INDArray cc = act.apply(Nd.slice(z, 1, 2L * units, 3L * units));
                    INDArray o = rec.apply(Nd.slice(z, 1, 3L * units, 4L * units));
                    INDArray c = f.mul(s[1]).addi(i.mul(cc));
                    INDArray hNew = o.mul(act.apply(c));
                    return new INDArray[] {hNew, c};
                }
                case GRU -> {
                    INDArray xz = Nd.slice(xt, 1, 0, units);
                    INDArray xr = Nd.slice(xt, 1, units, 2L * units);
                    INDArray xh = Nd.slice(xt, 1, 2L * units, g);
                    INDArray hh;
                    INDArray z;
                    if (resetAfter) {
                        INDArray inner = h.mmul(recurrent);
                        if (recurrentBias != null) {
                            inner.addi(recurrentBias);
                        }
                        z = rec.apply(xz.add(Nd.slice(inner, 1, 0, units)));
                        INDArray r = rec.apply(xr.add(Nd.slice(inner, 1, units, 2L * units)));
                        hh = act.apply(xh.add(r.mul(Nd.slice(inner, 1, 2L * units, g))));
                    } else {
                        INDArray inner = h.mmul(Nd.contiguous(Nd.slice(recurrent, 1, 0, 2L * units)));
                        z = rec.apply(xz.add(Nd.slice(inner, 1, 0, units)));
                        INDArray r = rec.apply(xr.add(Nd.slice(inner, 1, units, 2L * units)));
                        INDArray rh = r.mul(h).mmul(Nd.contiguous(Nd.slice(recurrent, 1, 2L * units, g)));
                        hh = act.apply(xh.add(rh));
                    }
                    INDArray hNew = z.mul(h).addi(z.rsub(1.0).muli(hh));
                    return new INDArray[] {hNew};
                }
                default -> throw new IllegalStateException();
            }
        }
    }
}
