package dev.kiln.runtime.inference;

/**
 * One class a {@link Classifier} proposes for an image.
 *
 * @param label       the class index
 * @param name        the class name saved with the model, or the index as text when none was
 * @param probability the model's softmax probability of the class
 */
public record Prediction(int label, String name, float probability) {
}
