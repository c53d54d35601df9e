package dev.kiln.runtime.data;

/** A dataset's published training and test sets. */
public record TrainAndTest(Dataset train, Dataset test) {
}
