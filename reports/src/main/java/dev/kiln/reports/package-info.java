/**
 * Results to look at, as PNG files (and the confusion matrix as text too): loss and accuracy per
 * epoch ({@link dev.kiln.reports.TrainingCharts}, a training listener), the confusion matrix as a
 * heat map, a grid of misclassified test images, and the first convolution layer's filters and
 * feature maps. {@link dev.kiln.reports.ReportWriter} writes them all into one directory.
 *
 * <p>Charts are drawn by XChart; the heat map and the image grids, whose every pixel this code
 * places, are drawn with Java2D and written by ImageIO.
 */
package dev.kiln.reports;
