package io.kerasregistry.inference;

/**
 * The keras-oracle's input generator ({@code mulberry32}, documented in its README), so that inputs
 * too large to commit can be regenerated from the seed; a SHA-256 recorded with the oracle output
 * proves the regenerated values are the ones the oracle fed.
 */
final class Mulberry32 {

    private int a;

    Mulberry32(int seed) {
        this.a = seed;
    }

    double next() {
        a = a + 0x6D2B79F5;
        int t = (a ^ (a >>> 15)) * (1 | a);
        t = (t + ((t ^ (t >>> 7)) * (61 | t))) ^ t;
        return ((t ^ (t >>> 14)) & 0xFFFFFFFFL) / 4294967296.0;
    }
}
