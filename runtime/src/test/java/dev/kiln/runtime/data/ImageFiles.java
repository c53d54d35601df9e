package dev.kiln.runtime.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Writes image files for tests with ImageIO, the JDK's standard writer, and crafts bad ones. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** An RGB image whose pixel (x, y) has the colour {@code rgb.at(x, y)}. */
    static BufferedImage rgb(int width, int height, PixelColour rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb.at(x, y));
            }
        }
        return image;
    }

    interface PixelColour {
        int at(int x, int y);
    }

    static Path write(BufferedImage image, String format, Path file) throws IOException {
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("ImageIO has no " + format + " writer for " + image);
        }
        return file;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("ImageIO has no " + format + " writer for " + image);
        }
        return out.toByteArray();
    }

    /**
     * A valid PNG signature and IHDR chunk declaring {@code width x height} 8-bit RGB, followed by a
     * tiny IDAT and IEND: what a decompression-bomb image looks like before its pixels are decoded.
     */
    static byte[] pngDeclaring(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12 + 12 + 10);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0});
        chunk(png, "IEND", new byte[0]);
        return java.util.Arrays.copyOf(png.array(), png.position());
    }

    private static void chunk(ByteBuffer png, String type, byte[] data) {
        png.putInt(data.length);
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        png.put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.putInt((int) crc.getValue());
    }

    static Path writeBytes(Path file, byte[] bytes) throws IOException {
        return Files.write(file, bytes);
    }
}
