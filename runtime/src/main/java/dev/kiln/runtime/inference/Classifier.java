package dev.kiln.runtime.inference;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.ImageLoader;
import dev.kiln.runtime.data.Preprocessing;
import dev.kiln.runtime.io.Checkpoint;
import dev.kiln.runtime.io.CheckpointException;
import dev.kiln.runtime.io.Checkpoints;
import dev.kiln.runtime.model.Model;
import dev.kiln.runtime.model.Predictions;
import dev.kiln.runtime.train.ClassificationMetrics;
import dev.kiln.runtime.train.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trained model with the preprocessing its checkpoint saved: it takes images as they come
 * (pixels scaled to [0, 1], channels x height x width), prepares them as the training images were,
 * and answers with class names.
 *
 * <pre>{@code
 * try (TfMnistModel model = TfMnistModel.create(0)) {
 *     Classifier classifier = Classifier.load(model, Path.of("checkpoints/tf-mnist.kiln"));
 *     Prediction best = classifier.classify(pixels, 1).get(0);   // e.g. Sneaker, 0.97
 * }
 * }</pre>
 *
 * <p>Calls from several threads are taken one at a time, since the model they share keeps its
 * buffers between calls; the model itself still runs each call on its own worker threads.
 */
public final class Classifier {
    private final Model model;
    private final Preprocessing preprocessing;
    /** False for a checkpoint saved without preprocessing: how its images were prepared is not known. */
    private final boolean preprocessingKnown;

    private Classifier(Model model, Preprocessing preprocessing, boolean preprocessingKnown) {
        this.model = model;
        this.preprocessing = preprocessing;
        this.preprocessingKnown = preprocessingKnown;
    }

    /**
     * Restores {@code model} from {@code checkpoint} (weights only) with the preprocessing saved
     * there. A checkpoint saved without one (before format version 2) gives the pixels to the model
     * as they are, with the class indices as names, and {@link #prepare} leaves data sets as given.
     */
    public static Classifier load(Model model, Path checkpoint) throws IOException {
        return load(model, Checkpoints.load(checkpoint));
    }

    /** {@link #load(Model, Path)} from a checkpoint already read, e.g. to choose the model by its architecture first. */
    public static Classifier load(Model model, Checkpoint saved) throws CheckpointException {
        Classifier classifier = saved.preprocessing().isPresent() ? of(model, saved.preprocessing().get())
                : new Classifier(model, new Preprocessing(model.inputChannels(), model.inputHeight(), model.inputWidth(), null,
                        List.of()), false);
        saved.restoreInto(model, null);
        return classifier;
    }

    /** {@code model} as it is, with {@code preprocessing}; fails when they disagree on shape or classes. */
    public static Classifier of(Model model, Preprocessing preprocessing) {
        Objects.requireNonNull(preprocessing, "preprocessing");
        int[] input = {model.inputChannels(), model.inputHeight(), model.inputWidth()};
        if (!java.util.Arrays.equals(input, preprocessing.shape())) {
            throw new IllegalArgumentException(model.name() + " takes images of " + shapeText(input)
                    + ", but its preprocessing is for " + shapeText(preprocessing.shape()));
        }
        if (!preprocessing.classNames().isEmpty() && preprocessing.classNames().size() != model.classes()) {
            throw new IllegalArgumentException(model.name() + " has " + model.classes() + " classes, but its preprocessing names "
                    + preprocessing.classNames().size() + ": " + preprocessing.classNames());
        }
        return new Classifier(model, preprocessing, true);
    }

    public Model model() {
        return model;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** False when the checkpoint held no preprocessing (it is older than format version 2). */
    public boolean preprocessingKnown() {
        return preprocessingKnown;
    }

    /** Class probabilities of one image given as pixels in [0, 1]. */
    public float[] probabilities(float[] pixels) {
        float[] input = preprocessing.apply(pixels);
        float[] probabilities = new float[model.classes()];
        synchronized (model) {
            model.predict(input, probabilities);
        }
        return probabilities;
    }

    /** The {@code k} most probable classes of one image given as pixels in [0, 1], most probable first. */
    public List<Prediction> classify(float[] pixels, int k) {
        float[] probabilities = probabilities(pixels);
        List<Prediction> best = new ArrayList<>();
        for (int label : Predictions.topK(probabilities, 0, probabilities.length, k)) {
            best.add(new Prediction(label, preprocessing.className(label), probabilities[label]));
        }
        return best;
    }

    /**
     * The pixels of an image file as this model takes them before normalization: decoded
     * (PNG, JPEG, BMP or GIF), converted to the model's channels (colour to gray as
     * {@code 0.299 R + 0.587 G + 0.114 B}, gray repeated into RGB), resized whole to its input
     * height x width with a bilinear filter, and scaled to [0, 1], as an image folder's training
     * images were ({@link ImageLoader}). {@link #probabilities(float[])} then normalizes them.
     *
     * @throws IOException naming the file when it cannot be read, is damaged, or is too large
     */
    public float[] pixels(Path imageFile) throws IOException {
        return ImageLoader.toUnitRange(ImageLoader.read(imageFile, preprocessing.channels(), preprocessing.height(),
                preprocessing.width()));
    }

    /** The {@code k} most probable classes of an image file, prepared by {@link #pixels(Path)}, most probable first. */
    public List<Prediction> classify(Path imageFile, int k) throws IOException {
        return classify(pixels(imageFile), k);
    }

    /**
     * {@code images} prepared as this model's training images were. Fails when they are already
     * normalized another way: evaluating on those would give a wrong accuracy, not an error. When
     * the preprocessing is not known, the images are taken as given.
     */
    public Dataset prepare(Dataset images) {
        if (!preprocessingKnown) {
            return images;
        }
        if (images.normalization() != null && !images.normalization().equals(preprocessing.normalization())) {
            throw new IllegalArgumentException(images.name() + " is normalized as " + images.normalization()
                    + ", but the model was trained on images "
                    + (preprocessing.normalization() == null ? "without normalization" : "normalized as " + preprocessing.normalization())
                    + "; give the raw images and the saved normalization is applied");
        }
        return images.withNormalization(preprocessing.normalization());
    }

    /** Accuracy on {@code images} (pixels in [0, 1]), prepared by {@link #prepare}, in batches of {@code batchSize}. */
    public double accuracy(Dataset images, int batchSize) {
        Dataset prepared = prepare(images);
        synchronized (model) {
            return Evaluation.accuracy(model, prepared, batchSize);
        }
    }

    /** Accuracy, top-k accuracy up to {@code maxK}, per-class precision and recall and the confusion matrix on {@code images}. */
    public ClassificationMetrics metrics(Dataset images, int batchSize, int maxK) {
        Dataset prepared = prepare(images);
        synchronized (model) {
            return Evaluation.metrics(model, prepared, batchSize, maxK);
        }
    }

    private static String shapeText(int[] shape) {
        return shape[0] + "x" + shape[1] + "x" + shape[2];
    }
}
