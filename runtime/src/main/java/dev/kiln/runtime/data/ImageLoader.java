package dev.kiln.runtime.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.color.ColorSpace;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image file (any format ImageIO reads: PNG, JPEG, BMP, GIF) into the pixels a network
 * takes: unsigned bytes 0..255, channels x height x width, plane by plane.
 *
 * <ul>
 *   <li><b>Channels.</b> For a network of 1 channel, colour becomes gray as
 *       {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as Pillow's {@code convert("L")} and
 *       OpenCV's {@code COLOR_RGB2GRAY}); for 3 channels, a gray image is repeated into R, G and B.
 *       Gray files are read from their samples directly (16-bit samples scaled to 8 bits), never
 *       through Java2D's colour conversion, which would shift their values. An alpha channel is
 *       dropped: the colour is taken as stored, not blended onto a background (as Pillow's
 *       {@code convert("RGB")}). A GIF's first frame is read.</li>
 *   <li><b>Size.</b> The whole image is resized to height x width with a bilinear (triangle)
 *       filter, the aspect ratio not kept, as Keras's {@code image_dataset_from_directory} and
 *       Pillow's {@code resize(BILINEAR)} do: sample centres at half pixels, and when shrinking the
 *       filter widens by the shrink factor so that every source pixel counts (no aliasing on a
 *       photo shrunk to 32x32). Values are rounded to the nearest byte at the end.</li>
 *   <li><b>Bad files.</b> Before any pixel is decoded, the width and height are read from the
 *       header and refused above {@link Limits#maxImagePixels()} ({@link DataTooLargeException}).
 *       A file ImageIO cannot read, or whose data is damaged or cut short (including a JPEG the
 *       decoder only warns about), is a {@link MalformedDataException}. Both messages name the
 *       file.</li>
 * </ul>
 *
 * <p>Every method is static and keeps no state: safe to call from many threads at once.
 */
public final class ImageLoader {
    /** The extensions of the formats the JDK's ImageIO reads, lower case. */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageLoader() {
    }

    /** True when {@code file}'s name ends in one of {@link #EXTENSIONS} (any case). */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code file} as channels x height x width bytes, with the default limits. */
    public static byte[] read(Path file, int channels, int height, int width) throws IOException {
        return read(file, channels, height, width, Limits.NONE);
    }

    /**
     * {@code file} as channels x height x width bytes 0..255.
     *
     * @throws DataTooLargeException when its header declares more than {@code limits.maxImagePixels()}
     * @throws MalformedDataException when it is not an image ImageIO reads, or is damaged or truncated
     */
    public static byte[] read(Path file, int channels, int height, int width, Limits limits) throws IOException {
        checkShape(channels, height, width);
        return convert(decode(file, limits), channels, height, width);
    }

    /**
     * {@code file} as the model trained with {@code preprocessing} takes it: converted, resized,
     * scaled to [0, 1] and normalized.
     */
    public static float[] readForModel(Path file, Preprocessing preprocessing) throws IOException {
        byte[] pixels = read(file, preprocessing.channels(), preprocessing.height(), preprocessing.width());
        return preprocessing.apply(toUnitRange(pixels));
    }

    /** Bytes 0..255 as floats 0..1, the scale every Kiln data set gives its images. */
    public static float[] toUnitRange(byte[] pixels) {
        float[] values = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            values[i] = (pixels[i] & 0xFF) / 255f;
        }
        return values;
    }

    /** An image already in memory, converted and resized as {@link #read} does. */
    public static byte[] convert(BufferedImage image, int channels, int height, int width) {
        checkShape(channels, height, width);
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = channels == 1 ? grayPlanes(image, w, h) : rgbPlanes(image, w, h);
        byte[] out = new byte[channels * height * width];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float[] resized = Resize.bilinear(planes[Math.min(c, planes.length - 1)], h, w, height, width);
            for (int j = 0; j < plane; j++) {
                out[c * plane + j] = (byte) Math.round(Math.max(0f, Math.min(255f, resized[j])));
            }
        }
        return out;
    }

    private static void checkShape(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image files convert to 1 channel (gray) or 3 (RGB), not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("cannot resize an image to " + height + "x" + width);
        }
    }

    /** Decodes the first image of {@code file}, having checked its size from the header first. */
    static BufferedImage decode(Path file, Limits limits) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such image file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new MalformedDataException(file + ": cannot be opened as an image");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new MalformedDataException(file + ": not an image ImageIO can read (PNG, JPEG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (width < 1 || height < 1) {
                    throw new MalformedDataException(file + ": the image header declares " + width + "x" + height + " pixels");
                }
                if (pixels > limits.maxImagePixels()) {
                    throw new DataTooLargeException(file + ": the image is " + width + "x" + height + " (" + pixels
                            + " pixels), more than the limit of " + limits.maxImagePixels() + " pixels (Limits.maxImagePixels)");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new MalformedDataException(file + ": the " + reader.getFormatName() + " data is damaged or truncated ("
                            + warnings.get(0) + ")");
                }
                return image;
            } catch (MalformedDataException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // Decoders report damage as IIOException, EOFException, or (BMP, GIF) as runtime exceptions.
                throw new MalformedDataException(file + ": the " + formatName(reader) + " data is damaged or truncated ("
                        + describe(e) + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    /** The exception's message and its causes', which say what the decoder found. */
    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 300; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return text.toString();
    }

    /** True for images whose colour space is gray (1 band, or 2 with alpha): read from samples. */
    private static boolean isGray(BufferedImage image) {
        ColorModel model = image.getColorModel();
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && image.getRaster().getNumBands() <= 2
                && !(model instanceof java.awt.image.IndexColorModel);
    }

    /** The gray samples of band 0, scaled to 0..255 from their bit depth (1, 2, 4, 8 or 16). */
    private static float[] graySamples(BufferedImage image, int w, int h) {
        Raster raster = image.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        float scale = 255f / ((1L << bits) - 1);
        int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        float[] gray = new float[w * h];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = samples[i] * scale;
        }
        return gray;
    }

    private static float[][] grayPlanes(BufferedImage image, int w, int h) {
        if (isGray(image)) {
            return new float[][] {graySamples(image, w, h)};
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] gray = new float[w * h];
        for (int i = 0; i < gray.length; i++) {
            int p = argb[i];
            gray[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
        }
        return new float[][] {gray};
    }

    /** Three planes; a gray image gives one, which the caller repeats. */
    private static float[][] rgbPlanes(BufferedImage image, int w, int h) {
        if (isGray(image)) {
            return new float[][] {graySamples(image, w, h)};
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] planes = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            planes[0][i] = (p >> 16) & 0xFF;
            planes[1][i] = (p >> 8) & 0xFF;
            planes[2][i] = p & 0xFF;
        }
        return planes;
    }
}
