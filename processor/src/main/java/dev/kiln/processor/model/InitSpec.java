package dev.kiln.processor.model;

import dev.kiln.dsl.Init;

/** How a layer's parameters start: the weight distribution (AUTO already resolved) and the bias constant. */
public record InitSpec(Init weights, double stddev, double bias) {}
