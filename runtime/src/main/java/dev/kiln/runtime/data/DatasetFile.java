package dev.kiln.runtime.data;

/**
 * One file of a published dataset.
 *
 * @param name          the file name, e.g. "train-images-idx3-ubyte.gz"
 * @param contentSha256 SHA-256 of the file's uncompressed content (hex), or null when not known, in
 *                      which case the file is never downloaded. The content is summed, not the gzip
 *                      file itself, because copies of the same data differ in their gzip headers
 *                      (Debian's Fashion-MNIST files lack the original file-name field).
 */
public record DatasetFile(String name, String contentSha256) {
}
