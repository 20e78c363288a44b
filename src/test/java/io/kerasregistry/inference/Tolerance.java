package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The parity bar with Keras: |actual − expected| ≤ 1e-5 + 1e-4·|expected|, element by element. */
final class Tolerance {

    static final double ABS = 1e-5;
    static final double REL = 1e-4;

    private Tolerance() {
    }

    static void assertClose(String what, INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] a = actual.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int bad = -1;
        double worst = 0;
        int badCount = 0;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs((double) a[i] - e[i]);
            boolean ok = Float.isNaN(e[i]) ? Float.isNaN(a[i])
                    : (Float.isInfinite(e[i]) ? e[i] == a[i] : diff <= ABS + REL * Math.abs(e[i]));
            if (!ok) {
                badCount++;
                if (bad < 0 || diff > worst) {
                    bad = i;
                    worst = diff;
                }
            }
        }
        if (bad >= 0) {
            fail(what + ": " + badCount + " of " + e.length + " values differ; worst at flat index " + bad
                    + ": expected " + e[bad] + ", got " + a[bad] + " (|diff| " + worst + ")");
        }
    }

    static void assertClose(String what, double expected, double actual) {
        if (Math.abs(expected - actual) > ABS + REL * Math.abs(expected)) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }
}
