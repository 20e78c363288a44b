package io.kerasregistry.inference;

import java.util.ArrayList;
import java.util.List;

/** What one forward pass accumulates besides the values: layer outputs on request, activity penalties. */
final class RunState {

    final boolean keepLayerOutputs;
    final List<LayerOutput> layerOutputs = new ArrayList<>();
    final List<PenaltyTerm> activityPenalties = new ArrayList<>();

    RunState(boolean keepLayerOutputs) {
        this.keepLayerOutputs = keepLayerOutputs;
    }
}
