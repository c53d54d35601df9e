package dev.kiln.runtime.train;

import dev.kiln.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the training history as CSV, one row per epoch, rewritten after every epoch so that the
 * file is complete whenever training stops (Keras's {@code CSVLogger}). Columns:
 * {@value #HEADER}. A value that is not known (validation without a validation set) is empty;
 * numbers are written with every digit they need (the learning rate as a float, the rest as
 * doubles), so they read back exactly.
 */
public final class CsvHistory implements TrainingListener {
    static final String HEADER = "epoch,steps,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,seconds";
    private final Path file;
    private final List<String> rows = new ArrayList<>();

    public CsvHistory(Path file) {
        this.file = file;
    }

    @Override
    public void epochDone(EpochReport r) {
        // The rate is a float in the optimizer: written as one, 0.001 rather than 0.0010000000474974513.
        String rate = Double.isNaN(r.learningRate()) ? "" : Float.toString((float) r.learningRate());
        rows.add(r.epoch() + "," + r.steps() + "," + rate + "," + number(r.trainLoss()) + ","
                + number(r.trainAccuracy()) + "," + number(r.validationLoss()) + "," + number(r.validationAccuracy()) + ","
                + number(r.seconds()));
        StringBuilder text = new StringBuilder(HEADER).append(System.lineSeparator());
        for (String row : rows) {
            text.append(row).append(System.lineSeparator());
        }
        try {
            // A whole new file replaces the old one: a reader never sees half a row.
            AtomicFile.write(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training history " + file + ": " + e.getMessage(), e);
        }
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }
}
