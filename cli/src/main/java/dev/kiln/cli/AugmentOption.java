package dev.kiln.cli;

import dev.kiln.runtime.train.Augmentation;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code --augment crop,flip} (or {@code crop=2,flip}): the steps in the order given. */
final class AugmentOption implements ITypeConverter<Augmentation> {
    /** The crop padding when none is given: 4 pixels, as the usual CIFAR-10 recipe pads 32x32 images. */
    static final int DEFAULT_PADDING = 4;
    static final String DESCRIPTION = "Augment every training batch afresh, seeded by --seed: crop[=PAD] shifts each image by "
            + "up to PAD pixels (default " + DEFAULT_PADDING + ") in each direction, black coming in; flip mirrors half the "
            + "images left to right. E.g. crop,flip or crop=2. The test set is left as it is.";

    @Override
    public Augmentation convert(String value) {
        Augmentation chain = null;
        for (String part : value.split(",")) {
            String step = part.strip();
            Augmentation next;
            if (step.equals("flip")) {
                next = Augmentation.horizontalFlip();
            } else if (step.equals("crop") || step.startsWith("crop=")) {
                next = Augmentation.randomCrop(step.equals("crop") ? DEFAULT_PADDING : padding(step.substring(5)));
            } else {
                throw new IllegalArgumentException("--augment takes crop, crop=PAD and flip, separated by commas; not '"
                        + step + "'");
            }
            chain = chain == null ? next : chain.then(next);
        }
        return chain;
    }

    private static int padding(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--augment crop=PAD takes a whole number of pixels, not '" + text + "'");
        }
    }
}
