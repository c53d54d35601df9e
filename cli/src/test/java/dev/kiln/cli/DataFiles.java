package dev.kiln.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small data files of each format --data takes, written as their own tools lay them out, for command tests. */
final class DataFiles {
    private DataFiles() {}

    /** An RGB PNG of width x height whose colour and stripes depend on {@code label}, with noise from {@code seed}. */
    static Path rgbPng(Path file, int width, int height, int label, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean stripe = ((label % 2 == 0 ? x : y) / (1 + label / 2)) % 2 == 0;
                int r = clamp((stripe ? 200 : 40) + 6 * label + random.nextInt(-20, 21));
                int g = clamp((stripe ? 60 : 180) + random.nextInt(-20, 21));
                int b = clamp(25 * label + random.nextInt(-20, 21));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** A gray PNG of width x height holding exactly {@code pixels} (row by row). */
    static Path grayPng(Path file, byte[] pixels, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, width, height, pixels);
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** An image folder: {@code classes} class folders c0, c1, ... of RGB PNGs, in train/ and test/. */
    static Path imageFolder(Path root, int classes, int trainPerClass, int testPerClass, int width, int height) throws IOException {
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < trainPerClass; i++) {
                rgbPng(root.resolve("train/c" + c + "/" + i + ".png"), width, height, c, 100L * c + i);
            }
            for (int i = 0; i < testPerClass; i++) {
                rgbPng(root.resolve("test/c" + c + "/" + i + ".png"), width, height, c, 7000L + 100L * c + i);
            }
        }
        return root;
    }

    /** Random bytes (shape[0] x ... ) as a .npy file of uint8 ('|u1'), header and padding as numpy.save writes them. */
    static Path npyBytes(Path file, int[] shape, long seed) throws IOException {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        byte[] data = new byte[(int) count];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        return npy(file, "|u1", shape, data);
    }

    /** Labels 0, 1, ..., classes-1, 0, ... as a 1-D int64 .npy file. */
    static Path npyLabels(Path file, int count, int classes) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            data.putLong(i % classes);
        }
        return npy(file, "<i8", new int[] {count}, data.array());
    }

    private static Path npy(Path file, String descr, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String dimsText = shape.length == 1 ? dims.toString().strip() : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dimsText + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Files.createDirectories(file.getParent());
        return Files.write(file, out.array());
    }

    /** CIFAR-10's binary batches: data_batch_1.bin and test_batch.bin of random 3x32x32 records. */
    static Path cifar10(Path folder, int trainCount, int testCount) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(3);
        for (String[] batch : new String[][] {{"data_batch_1.bin", "" + trainCount}, {"test_batch.bin", "" + testCount}}) {
            byte[] records = new byte[Integer.parseInt(batch[1]) * 3073];
            random.nextBytes(records);
            for (int r = 0; r < records.length; r += 3073) {
                records[r] = (byte) ((r / 3073) % 10);
            }
            Files.write(folder.resolve(batch[0]), records);
        }
        return folder;
    }

    /** A plain CSV with a header: per row a label (0..classes-1 in turn) and {@code values} random pixels. */
    static Path csv(Path file, int rows, int values, int classes) throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder text = new StringBuilder("label");
        for (int p = 0; p < values; p++) {
            text.append(",pixel").append(p);
        }
        text.append('\n');
        for (int r = 0; r < rows; r++) {
            text.append(r % classes);
            for (int p = 0; p < values; p++) {
                text.append(',').append(random.nextInt(256));
            }
            text.append('\n');
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
