/**
 * The annotations a Kiln network is written with.
 *
 * <p>A class annotated {@link dev.kiln.dsl.Network} declares its layers as fields, in order, each
 * with exactly one layer annotation ({@link dev.kiln.dsl.Conv}, {@link dev.kiln.dsl.MaxPool},
 * {@link dev.kiln.dsl.AvgPool}, {@link dev.kiln.dsl.GlobalAvgPool}, {@link dev.kiln.dsl.Dense},
 * {@link dev.kiln.dsl.Dropout}). The annotation processor checks every shape at compile time and
 * generates the model class. Tensor shapes are written channels x height x width, as in PyTorch.
 */
package dev.kiln.dsl;
