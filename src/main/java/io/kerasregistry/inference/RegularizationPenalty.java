package io.kerasregistry.inference;

import java.util.List;

/**
 * The regularization losses Keras would report for a model at its stored weights.
 *
 * @param terms one entry per regularized weight (and per output of a layer with an activity
 *              regularizer, when computed for a run), in model order
 * @param total their sum
 */
public record RegularizationPenalty(List<PenaltyTerm> terms, double total) {

    public RegularizationPenalty {
        terms = List.copyOf(terms);
    }

    static RegularizationPenalty of(List<PenaltyTerm> terms) {
        double total = 0;
        for (PenaltyTerm t : terms) {
            total += t.value();
        }
        return new RegularizationPenalty(terms, total);
    }
}
