package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by ImageIO read back as the pixels a network takes; bad files are refused by name. */
class ImageLoaderTest {
    @TempDir Path dir;

    /** A 5x3 image with a distinct colour per pixel. */
    private static final ImageFiles.PixelColour PATTERN = (x, y) -> ((40 * x + 7) << 16) | ((50 * y + 3) << 8) | (x * y * 9);

    @Test
    void anRgbPngReadsAsItsThreePlanes() throws Exception {
        Path file = ImageFiles.write(ImageFiles.rgb(5, 3, PATTERN), "png", dir.resolve("a.png"));

        byte[] pixels = ImageLoader.read(file, 3, 3, 5);

        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int rgb = PATTERN.at(x, y);
                assertEquals((rgb >> 16) & 0xFF, pixels[y * 5 + x] & 0xFF);
                assertEquals((rgb >> 8) & 0xFF, pixels[15 + y * 5 + x] & 0xFF);
                assertEquals(rgb & 0xFF, pixels[30 + y * 5 + x] & 0xFF);
            }
        }
    }

    @Test
    void colourBecomesGrayWithTheBt601Weights() throws Exception {
        Path file = ImageFiles.write(ImageFiles.rgb(5, 3, PATTERN), "png", dir.resolve("a.png"));

        byte[] gray = ImageLoader.read(file, 1, 3, 5);

        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int rgb = PATTERN.at(x, y);
                long expected = Math.round(0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF));
                assertEquals(expected, gray[y * 5 + x] & 0xFF, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void grayFilesKeepTheirValuesAndRepeatIntoRgb() throws Exception {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = gray.getRaster();
        int[] values = {0, 1, 64, 128, 200, 254, 255, 17};
        raster.setSamples(0, 0, 4, 2, 0, values);
        Path file = ImageFiles.write(gray, "png", dir.resolve("gray.png"));

        byte[] asGray = ImageLoader.read(file, 1, 2, 4);
        byte[] asRgb = ImageLoader.read(file, 3, 2, 4);

        byte[] expected = new byte[8];
        for (int i = 0; i < 8; i++) {
            expected[i] = (byte) values[i];
        }
        assertArrayEquals(expected, asGray, "Java2D's gray-to-sRGB conversion would have shifted these");
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(expected, Arrays.copyOfRange(asRgb, 8 * c, 8 * c + 8), "channel " + c);
        }
    }

    @Test
    void sixteenBitGrayScalesToEightBits() throws Exception {
        BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 257 * 100, 65535});
        Path file = ImageFiles.write(gray, "png", dir.resolve("gray16.png"));

        assertArrayEquals(new byte[] {0, 100, (byte) 255}, ImageLoader.read(file, 1, 1, 3));
    }

    @Test
    void alphaIsDroppedKeepingTheStoredColour() throws Exception {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00_10_20_30); // fully transparent
        image.setRGB(1, 0, 0x80_F0_E0_D0); // half transparent
        Path file = ImageFiles.write(image, "png", dir.resolve("alpha.png"));

        assertArrayEquals(new byte[] {0x10, (byte) 0xF0, 0x20, (byte) 0xE0, 0x30, (byte) 0xD0},
                ImageLoader.read(file, 3, 1, 2));
    }

    @Test
    void jpegBmpAndGifFilesRead() throws Exception {
        // Flat colour blocks: JPEG is lossy, but a flat 16x16 block decodes within a few levels.
        ImageFiles.PixelColour blocks = (x, y) -> x < 8 ? 0xC03010 : 0x2080F0;
        for (String format : new String[] {"jpg", "bmp", "gif"}) {
            Path file = ImageFiles.write(ImageFiles.rgb(16, 16, blocks), format, dir.resolve("blocks." + format));
            byte[] pixels = ImageLoader.read(file, 3, 16, 16);
            int tolerance = format.equals("jpg") ? 6 : 0;
            int[][] expected = {{0xC0, 0x30, 0x10}, {0x20, 0x80, 0xF0}};
            for (int c = 0; c < 3; c++) {
                // The centres of the two blocks, away from the JPEG's block edge.
                assertEquals(expected[0][c], pixels[c * 256 + 8 * 16 + 3] & 0xFF, tolerance, format + " channel " + c);
                assertEquals(expected[1][c], pixels[c * 256 + 8 * 16 + 12] & 0xFF, tolerance, format + " channel " + c);
            }
        }
    }

    @Test
    void upscalingIsBilinearWithHalfPixelCentres() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0, 255});
        Path file = ImageFiles.write(gray, "png", dir.resolve("ramp.png"));

        // Pillow: Image.fromarray(np.uint8([[0, 255]])).resize((4, 1), Image.BILINEAR) gives 0 64 191 255.
        assertArrayEquals(new byte[] {0, 64, (byte) 191, (byte) 255}, ImageLoader.read(file, 1, 1, 4));
    }

    @Test
    void resizingMatchesATwoDimensionalReference() {
        Random random = new Random(5);
        int[][] sizes = {{7, 5, 3, 4}, {3, 4, 9, 11}, {40, 30, 8, 8}, {6, 6, 6, 2}, {1, 1, 3, 2}};
        for (int[] s : sizes) {
            float[] source = new float[s[0] * s[1]];
            for (int i = 0; i < source.length; i++) {
                source[i] = random.nextInt(256);
            }
            float[] resized = Resize.bilinear(source, s[0], s[1], s[2], s[3]);
            float[] reference = referenceResize(source, s[0], s[1], s[2], s[3]);
            for (int i = 0; i < reference.length; i++) {
                assertEquals(reference[i], resized[i], 1e-3, Arrays.toString(s) + " at " + i);
            }
        }
    }

    /**
     * The definition, computed directly in two dimensions: each output pixel is the normalized sum of
     * the source pixels weighted by a triangle in x times a triangle in y.
     */
    private static float[] referenceResize(float[] source, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                double cy = (oy + 0.5) * sy;
                double cx = (ox + 0.5) * sx;
                double sum = 0;
                double weights = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double wy = Math.max(0, 1 - Math.abs(y + 0.5 - cy) / Math.max(1, sy));
                        double wx = Math.max(0, 1 - Math.abs(x + 0.5 - cx) / Math.max(1, sx));
                        sum += wy * wx * source[y * w + x];
                        weights += wy * wx;
                    }
                }
                out[oy * outW + ox] = (float) (sum / weights);
            }
        }
        return out;
    }

    @Test
    void aHugeImageIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        // 50,000 x 50,000 RGB would need 10 GB as ints; the file is 67 bytes.
        Path bomb = ImageFiles.writeBytes(dir.resolve("bomb.png"), ImageFiles.pngDeclaring(50_000, 50_000));

        DataTooLargeException e = assertThrows(DataTooLargeException.class, () -> ImageLoader.read(bomb, 3, 32, 32));

        assertEquals(bomb + ": the image is 50000x50000 (2500000000 pixels), more than the limit of 100000000 pixels"
                + " (Limits.maxImagePixels)", e.getMessage());
        Path small = ImageFiles.write(ImageFiles.rgb(20, 20, PATTERN), "png", dir.resolve("small.png"));
        assertThrows(DataTooLargeException.class,
                () -> ImageLoader.read(small, 3, 8, 8, Limits.NONE.withMaxImagePixels(399)));
        assertEquals(192, ImageLoader.read(small, 3, 8, 8, Limits.NONE.withMaxImagePixels(400)).length);
    }

    @Test
    void aFileThatIsNoImageIsNamed() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image at all");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageLoader.read(text, 1, 8, 8));
        assertEquals(text + ": not an image ImageIO can read (PNG, JPEG, BMP or GIF)", e.getMessage());
    }

    @Test
    void truncatedPngAndJpegFilesAreNamed() throws Exception {
        BufferedImage noise = ImageFiles.rgb(64, 64, (x, y) -> new Random(31L * x + y).nextInt(1 << 24));
        for (String format : new String[] {"png", "jpg"}) {
            byte[] whole = ImageFiles.encode(noise, format);
            Path cut = ImageFiles.writeBytes(dir.resolve("cut." + format), Arrays.copyOf(whole, whole.length / 2));

            MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageLoader.read(cut, 3, 32, 32),
                    format);

            assertTrue(e.getMessage().startsWith(cut + ": the "), e.getMessage());
            assertTrue(e.getMessage().contains("damaged or truncated"), e.getMessage());
        }
    }

    @Test
    void corruptPixelDataIsNamed() throws Exception {
        BufferedImage noise = ImageFiles.rgb(64, 64, (x, y) -> new Random(17L * x + y).nextInt(1 << 24));
        byte[] png = ImageFiles.encode(noise, "png");
        // Overwrite the middle of the compressed pixel data (the IDAT chunk starts after 33 bytes).
        for (int i = png.length / 2; i < png.length / 2 + 64; i++) {
            png[i] = (byte) 0xFF;
        }
        Path corrupt = ImageFiles.writeBytes(dir.resolve("corrupt.png"), png);

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageLoader.read(corrupt, 3, 32, 32));

        assertTrue(e.getMessage().startsWith(corrupt + ": the PNG data is damaged or truncated ("), e.getMessage());
    }

    @Test
    void onlyOneOrThreeChannelsAreOffered() throws Exception {
        Path file = ImageFiles.write(ImageFiles.rgb(2, 2, PATTERN), "png", dir.resolve("a.png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageLoader.read(file, 4, 2, 2));
        assertEquals("image files convert to 1 channel (gray) or 3 (RGB), not 4", e.getMessage());
    }

    @Test
    void readForModelScalesAndNormalizesAsTheCheckpointSays() throws Exception {
        Path file = ImageFiles.write(ImageFiles.rgb(2, 2, (x, y) -> 0x336699), "png", dir.resolve("a.png"));
        Preprocessing preprocessing = new Preprocessing(3, 2, 2, Normalization.of(0.5f, 0.25f), java.util.List.of());

        float[] input = ImageLoader.readForModel(file, preprocessing);

        assertEquals((0x33 / 255f - 0.5f) / 0.25f, input[0], 1e-6);
        assertEquals((0x66 / 255f - 0.5f) / 0.25f, input[4], 1e-6);
        assertEquals((0x99 / 255f - 0.5f) / 0.25f, input[11], 1e-6);
    }
}
