package io.kerasregistry.inference;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two-operand einsum ({@code "abc,cd->abd"}, with {@code ...} on the first operand and the output, as
 * EinsumDense allows), reduced to one batched matrix product: axes are sorted into batch, contracted
 * and free axes, the operands permuted and reshaped to {@code (batch, m, k)} and {@code (batch, k, n)}.
 */
final class Einsum {

    private final String lhs;
    private final String rhs;
    private final String out;

    private Einsum(String lhs, String rhs, String out) {
        this.lhs = lhs;
        this.rhs = rhs;
        this.out = out;
    }

    /** Parses the equation; throws IllegalArgumentException for forms it does not compute. */
    static Einsum parse(String equation) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        int comma = eq.indexOf(',');
        if (arrow < 0 || comma < 0 || comma > arrow) {
            throw new IllegalArgumentException("equation " + equation + " is not of the form 'x,y->z'");
        }
        Einsum e = new Einsum(eq.substring(0, comma), eq.substring(comma + 1, arrow), eq.substring(arrow + 2));
        if (e.rhs.contains("...")) {
            throw new IllegalArgumentException("equation " + equation + ": '...' on the kernel");
        }
        for (String s : List.of(e.lhs.replace("...", ""), e.rhs, e.out.replace("...", ""))) {
            if (s.chars().distinct().count() != s.length()) {
                throw new IllegalArgumentException("equation " + equation + " repeats an axis within one operand");
            }
            if (!s.chars().allMatch(Character::isLowerCase)) {
                throw new IllegalArgumentException("equation " + equation + " uses axis names other than a-z");
            }
        }
        if (e.lhs.contains("...") != e.out.contains("...")) {
            throw new IllegalArgumentException("equation " + equation + ": '...' on one side only");
        }
        return e;
    }

    INDArray apply(INDArray x, INDArray k) {
        String l = lhs;
        String o = out;
        if (l.contains("...")) {
            // the elided axes become distinct upper-case letters
            int n = x.rank() - (l.length() - 3);
            StringBuilder el = new StringBuilder();
            for (int i = 0; i < n; i++) {
                el.append((char) ('A' + i));
            }
            l = l.replace("...", el);
            o = o.replace("...", el);
        }
        if (l.length() != x.rank() || rhs.length() != k.rank()) {
            throw new InferenceException("einsum " + lhs + "," + rhs + "->" + out + " does not fit shapes "
                    + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(k.shape()));
        }
        String r = rhs;
        List<Character> batch = new ArrayList<>();
        List<Character> contracted = new ArrayList<>();
        List<Character> lFree = new ArrayList<>();
        List<Character> rFree = new ArrayList<>();
        for (char c : l.toCharArray()) {
            boolean inR = r.indexOf(c) >= 0;
            boolean inO = o.indexOf(c) >= 0;
            if (inR && inO) {
                batch.add(c);
            } else if (inR) {
                contracted.add(c);
            } else if (inO) {
                lFree.add(c);
            }
        }
        for (char c : r.toCharArray()) {
            if (l.indexOf(c) < 0 && o.indexOf(c) >= 0) {
                rFree.add(c);
            }
        }
        // axes that appear in one operand only and not in the output are summed away first
        INDArray xs = sumAway(x, l, r, o);
        String ls = keep(l, r, o);
        INDArray ks = sumAway(k, r, l, o);
        String rs = keep(r, l, o);
        INDArray xp = Nd.contiguous(xs.permute(perm(ls, concat(batch, lFree, contracted))));
        INDArray kp = Nd.contiguous(ks.permute(perm(rs, concat(batch, contracted, rFree))));
        long b = size(xs, ls, batch);
        long m = size(xs, ls, lFree);
        long kk = size(xs, ls, contracted);
        long n = size(ks, rs, rFree);
        INDArray res = Nd.bmm(xp.reshape('c', b, m, kk), kp.reshape('c', b, kk, n));
        List<Character> resOrder = concat(batch, lFree, rFree);
        long[] resShape = new long[resOrder.size()];
        for (int i = 0; i < resShape.length; i++) {
            char c = resOrder.get(i);
            resShape[i] = ls.indexOf(c) >= 0 ? xs.size(ls.indexOf(c)) : ks.size(rs.indexOf(c));
        }
        INDArray shaped = Nd.reshape(res, resShape);
        String resLetters = letters(resOrder);
        return Nd.contiguous(shaped.permute(perm(resLetters, chars(o))));
    }

    private static INDArray sumAway(INDArray a, String own, String other, String o) {
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < own.length(); i++) {
            char c = own.charAt(i);
            if (other.indexOf(c) < 0 && o.indexOf(c) < 0) {
                dims.add(i);
            }
        }
        if (dims.isEmpty()) {
            return a;
        }
        return a.sum(true, dims.stream().mapToInt(Integer::intValue).toArray()).reshape('c',
                keptShape(a, dims));
    }

    private static long[] keptShape(INDArray a, List<Integer> dropped) {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < a.rank(); i++) {
            if (!dropped.contains(i)) {
                s.add(a.size(i));
            }
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    private static String keep(String own, String other, String o) {
        StringBuilder sb = new StringBuilder();
        for (char c : own.toCharArray()) {
            if (other.indexOf(c) >= 0 || o.indexOf(c) >= 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @SafeVarargs
    private static List<Character> concat(List<Character>... parts) {
        List<Character> out = new ArrayList<>();
        for (List<Character> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private static List<Character> chars(String s) {
        List<Character> out = new ArrayList<>();
        for (char c : s.toCharArray()) {
            out.add(c);
        }
        return out;
    }

    private static String letters(List<Character> cs) {
        StringBuilder sb = new StringBuilder();
        cs.forEach(sb::append);
        return sb.toString();
    }

    private static int[] perm(String from, List<Character> to) {
        int[] p = new int[to.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = from.indexOf(to.get(i));
        }
        return p;
    }

    private static long size(INDArray a, String letters, List<Character> axes) {
        long s = 1;
        for (char c : axes) {
            s *= a.size(letters.indexOf(c));
        }
        return s;
    }
}
