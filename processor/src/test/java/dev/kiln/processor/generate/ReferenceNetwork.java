package dev.kiln.processor.generate;

import dev.kiln.dsl.Activation;
import dev.kiln.processor.model.Axis;
import dev.kiln.processor.model.LayerSpec;
import dev.kiln.processor.model.NetworkModel;
import dev.kiln.processor.model.ResolvedLayer;
import dev.kiln.processor.model.Shape;
import dev.kiln.runtime.model.DropoutMask;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain implementation of a whole network in double precision, in PyTorch's layouts (NCHW
 * activations, conv weights [out][in][kh][kw], dense weights [out][in] over the (C, H, W)
 * flatten), written from the layer definitions and not from the kernels. Parameters are read
 * from a model through {@link Parameter#toPytorch()}, and can be perturbed for finite differences.
 */
final class ReferenceNetwork {
    private final NetworkModel net;
    private final Map<String, double[]> params = new HashMap<>();
    private final Map<String, Double> l2 = new HashMap<>();

    /** The dropout masks of one training step; null means inference. */
    record Masks(long seed, long step) {}

    ReferenceNetwork(NetworkModel net, Model model) {
        this.net = net;
        for (Parameter p : model.parameters()) {
            float[] values = p.toPytorch();
            double[] copy = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                copy[i] = values[i];
            }
            params.put(p.name(), copy);
            l2.put(p.name(), (double) p.l2());
        }
    }

    /** The live array of a parameter, in PyTorch order: changes affect later evaluations. */
    double[] param(String name) {
        return params.get(name);
    }

    /** Mean softmax cross-entropy of the first {@code count} examples (no L2 terms). */
    double meanLoss(float[] images, int[] labels, int count, Masks masks) {
        double total = 0;
        for (int n = 0; n < count; n++) {
            double[] z = logits(images, n, masks);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            total += Math.log(sum) + max - z[labels[n]];
        }
        return total / count;
    }

    /** Sum over parameters of l2 * sum(w^2) / 2. */
    double l2Term() {
        double total = 0;
        for (var e : params.entrySet()) {
            double squares = 0;
            for (double v : e.getValue()) {
                squares += v * v;
            }
            total += l2.get(e.getKey()) * squares / 2;
        }
        return total;
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** The logits of example {@code n} of {@code images} (NCHW floats). */
    double[] logits(float[] images, int n, Masks masks) {
        List<double[]> outputs = layerOutputs(images, n, masks);
        return outputs.get(outputs.size() - 1);
    }

    /** Every layer's output (C, H, W order) for example {@code n} of {@code images}, in layer order. */
    List<double[]> layerOutputs(float[] images, int n, Masks masks) {
        Shape in = net.input();
        int size = (int) in.size();
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = images[n * size + i];
        }
        List<double[]> outputs = new ArrayList<>();
        for (ResolvedLayer layer : net.layers()) {
            a = switch (layer.spec()) {
                case LayerSpec.ConvSpec c -> conv(layer, c, a);
                case LayerSpec.PoolSpec p -> pool(layer, p.pool() == LayerSpec.PoolKind.MAX, a);
                case LayerSpec.GlobalAvgPoolSpec g -> pool(layer, false, a);
                case LayerSpec.DenseSpec d -> dense(layer, d, a);
                case LayerSpec.DropoutSpec d -> masks == null ? a : dropout(layer, d.rate(), a, n, masks);
            };
            outputs.add(a);
        }
        return outputs;
    }

    private double[] conv(ResolvedLayer layer, LayerSpec.ConvSpec spec, double[] x) {
        Shape in = layer.input(), out = layer.output();
        Axis rows = layer.rows(), cols = layer.cols();
        double[] w = params.get(layer.name() + ".weight"), b = params.get(layer.name() + ".bias");
        int kh = rows.kernel(), kw = cols.kernel(), inC = in.channels();
        double[] y = new double[(int) out.size()];
        for (int o = 0; o < out.channels(); o++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double s = b[o];
                    for (int c = 0; c < inC; c++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * rows.stride() - rows.padBefore() + ky;
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * cols.stride() - cols.padBefore() + kx;
                                if (iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width()) {
                                    s += x[(c * in.height() + iy) * in.width() + ix] * w[((o * inC + c) * kh + ky) * kw + kx];
                                }
                            }
                        }
                    }
                    y[(o * out.height() + oy) * out.width() + ox] = activate(spec.activation(), s);
                }
            }
        }
        return y;
    }

    private static double[] pool(ResolvedLayer layer, boolean max, double[] x) {
        Shape in = layer.input(), out = layer.output();
        Axis rows = layer.rows(), cols = layer.cols();
        int outH = out.height(), outW = out.width();
        double[] y = new double[in.channels() * outH * outW];
        for (int c = 0; c < in.channels(); c++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int cells = 0;
                    for (int ky = 0; ky < rows.kernel(); ky++) {
                        int iy = oy * rows.stride() - rows.padBefore() + ky;
                        for (int kx = 0; kx < cols.kernel(); kx++) {
                            int ix = ox * cols.stride() - cols.padBefore() + kx;
                            if (iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width()) {
                                double v = x[(c * in.height() + iy) * in.width() + ix];
                                best = Math.max(best, v);
                                sum += v;
                                cells++;
                            }
                        }
                    }
                    y[(c * outH + oy) * outW + ox] = max ? best : sum / cells;
                }
            }
        }
        return y;
    }

    private double[] dense(ResolvedLayer layer, LayerSpec.DenseSpec spec, double[] x) {
        double[] w = params.get(layer.name() + ".weight"), b = params.get(layer.name() + ".bias");
        int in = x.length;
        double[] y = new double[spec.units()];
        for (int o = 0; o < y.length; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) {
                s += w[o * in + i] * x[i];
            }
            y[o] = activate(spec.activation(), s);
        }
        return y;
    }

    /** The model's mask is defined on its internal (H, W, C) positions; map each (C, H, W) value to its position. */
    private static double[] dropout(ResolvedLayer layer, double rate, double[] x, int n, Masks masks) {
        Shape s = layer.input();
        double[] y = new double[x.length];
        for (int c = 0; c < s.channels(); c++) {
            for (int h = 0; h < s.height(); h++) {
                for (int w = 0; w < s.width(); w++) {
                    int chw = (c * s.height() + h) * s.width() + w;
                    int hwc = (h * s.width() + w) * s.channels() + c;
                    boolean keep = DropoutMask.keeps(masks.seed(), masks.step(), n, hwc, (float) rate);
                    y[chw] = keep ? x[chw] / (1 - rate) : 0;
                }
            }
        }
        return y;
    }

    private static double activate(Activation act, double z) {
        return switch (act) {
            case NONE -> z;
            case RELU -> Math.max(z, 0);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            case TANH -> Math.tanh(z);
        };
    }
}
