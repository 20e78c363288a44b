package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max, average and global pooling in 1, 2 and 3 dimensions ({@code keras/src/layers/pooling}). */
final class PoolingLayers {

    private PoolingLayers() {
    }

    static void register(Translators t) {
        for (int rank = 1; rank <= 3; rank++) {
            int r = rank;
            t.put("MaxPooling" + r + "D", ctx -> pool(ctx, r, true));
            t.put("MaxPool" + r + "D", ctx -> pool(ctx, r, true));
            t.put("AveragePooling" + r + "D", ctx -> pool(ctx, r, false));
            t.put("AvgPool" + r + "D", ctx -> pool(ctx, r, false));
            t.put("GlobalMaxPooling" + r + "D", ctx -> global(ctx, r, true));
            t.put("GlobalMaxPool" + r + "D", ctx -> global(ctx, r, true));
            t.put("GlobalAveragePooling" + r + "D", ctx -> global(ctx, r, false));
            t.put("GlobalAvgPool" + r + "D", ctx -> global(ctx, r, false));
        }
    }

    static LayerOp pool(LayerContext ctx, int rank, boolean max) {
        Config c = ctx.cfg;
        int[] size = c.has("pool_size") ? c.ints("pool_size", rank, 2) : c.ints("pool_length", rank, 2);
        int[] strides;
        if (c.has("strides")) {
            strides = c.ints("strides", rank, 1);
        } else if (c.has("stride")) {
            strides = c.ints("stride", rank, 1);
        } else {
            strides = size.clone();
        }
        String padding = c.has("padding") ? c.string("padding", "valid") : c.string("border_mode", "valid");
        if (!padding.equals("valid") && !padding.equals("same")) {
            ctx.unsupported("padding=" + padding);
        }
        boolean cf = ctx.channelsFirst();
        return (CoreLayers.Unmasked) x -> {
            INDArray xi = cf ? Conv.toChannelsLast(x) : x;
            INDArray y = Conv.pool(xi, size, strides, padding, max);
            return cf ? Conv.toChannelsFirst(y) : y;
        };
    }

    static LayerOp global(LayerContext ctx, int rank, boolean max) {
        boolean cf = ctx.channelsFirst();
        boolean keepdims = ctx.cfg.bool("keepdims", false);
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                INDArray x = inputs.get(0).value();
                INDArray mask = inputs.get(0).mask();
                int[] axes = new int[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = cf ? i + 2 : i + 1;
                }
                INDArray y;
                if (!max && rank == 1 && mask != null) {
                    // the mean over unmasked steps only
                    INDArray m = cf ? Nd.expandDims(mask, 1) : Nd.expandDims(mask, 2);
                    INDArray xm = MergeLayers.broadcastApply(INDArray::mul, x, m);
                    y = xm.sum(true, axes).div(m.sum(true, axes));
                } else {
                    y = max ? x.max(true, axes) : x.mean(true, axes);
                }
                if (!keepdims) {
                    y = Nd.reshape(y, x.size(0), y.length() / x.size(0));
                }
                return List.of(Tensor.of(y));
            }
        };
    }
}
