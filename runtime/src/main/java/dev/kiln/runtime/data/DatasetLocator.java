package dev.kiln.runtime.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds a dataset's files, in this order: the directory given on the command line (which must then
 * hold them all), the per-user cache {@code ~/.cache/kiln/datasets/<name>}, the system directory a
 * package installs (e.g. /usr/share/datasets/fashion-mnist from {@code dataset-fashion-mnist});
 * failing those it downloads the missing files into the cache, verifying their sums. When nothing
 * works, the error lists where it looked and exactly what to install or where to put which files.
 */
public final class DatasetLocator {
    /** System property overriding the cache root (default ~/.cache/kiln/datasets). */
    public static final String CACHE_PROPERTY = "kiln.datasets.cache";
    /** System property overriding every dataset's download base URL, e.g. a local mirror. */
    public static final String MIRROR_PROPERTY = "kiln.datasets.mirror";

    private final Path cacheRoot;
    private final URI mirrorOverride;
    private final boolean useSystemDirectories;
    private final Downloader downloader;

    /**
     * @param cacheRoot            the per-user cache; each dataset gets a folder named after it
     * @param mirrorOverride       base URL used instead of each dataset's own mirror, or null
     * @param useSystemDirectories whether to look in the system packages' directories (off in tests)
     */
    public DatasetLocator(Path cacheRoot, URI mirrorOverride, boolean useSystemDirectories, Downloader downloader) {
        this.cacheRoot = cacheRoot;
        this.mirrorOverride = mirrorOverride;
        this.useSystemDirectories = useSystemDirectories;
        this.downloader = downloader;
    }

    /** The usual locator: cache and mirror from the system properties when set; downloads logged on stderr. */
    public static DatasetLocator standard() {
        String cache = System.getProperty(CACHE_PROPERTY);
        String mirror = System.getProperty(MIRROR_PROPERTY);
        return new DatasetLocator(
                cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "kiln", "datasets"),
                mirror != null ? URI.create(mirror.endsWith("/") ? mirror : mirror + "/") : null,
                true,
                new Downloader(Duration.ofSeconds(30), System.err::println));
    }

    /** Finds (or downloads) the dataset and loads its training and test sets. */
    public TrainAndTest load(DatasetSpec spec, Path given) throws IOException {
        return load(spec, given, Limits.NONE);
    }

    /** Finds (or downloads) the dataset and loads the first examples of its sets, as many as {@code limits} allow. */
    public TrainAndTest load(DatasetSpec spec, Path given, Limits limits) throws IOException {
        return MnistFormat.load(locate(spec, given), spec, limits);
    }

    /** The directory holding every file of {@code spec}; {@code given} (may be null) is the command line's. */
    public Path locate(DatasetSpec spec, Path given) throws IOException {
        if (given != null) {
            if (!MnistFormat.complete(given, spec)) {
                throw new DatasetNotFoundException(spec.title() + " is not complete in " + given + ": missing "
                        + missing(given, spec) + "\n" + howToProvide(spec, given), null);
            }
            return given;
        }
        Path cache = cacheDirectory(spec);
        if (MnistFormat.complete(cache, spec)) {
            return cache;
        }
        if (useSystemDirectories && spec.systemDirectory() != null && MnistFormat.complete(spec.systemDirectory(), spec)) {
            return spec.systemDirectory();
        }
        if (!spec.downloadable()) {
            throw new DatasetNotFoundException(spec.title() + " was not found.\n" + lookedIn(spec)
                    + "Kiln does not download " + spec.title() + " itself (it has no verified checksums for it).\n"
                    + howToProvide(spec, cache), null);
        }
        try {
            for (DatasetFile file : spec.files()) {
                if (!Files.isRegularFile(MnistFormat.find(cache, file.name()))) {
                    downloader.download(mirror(spec).resolve(file.name()), cache.resolve(file.name()), file.contentSha256());
                }
            }
        } catch (IOException e) {
            throw new DatasetNotFoundException(spec.title() + " was not found and could not be downloaded: " + e.getMessage()
                    + "\n" + lookedIn(spec) + howToProvide(spec, cache), e);
        }
        return cache;
    }

    public Path cacheDirectory(DatasetSpec spec) {
        return cacheRoot.resolve(spec.name());
    }

    private URI mirror(DatasetSpec spec) {
        return mirrorOverride != null ? mirrorOverride : spec.mirror();
    }

    private String lookedIn(DatasetSpec spec) {
        List<Path> places = new ArrayList<>();
        places.add(cacheDirectory(spec));
        if (useSystemDirectories && spec.systemDirectory() != null) {
            places.add(spec.systemDirectory());
        }
        return places.stream()
                .map(place -> "  looked in " + place + (Files.isDirectory(place) ? ": missing " + missing(place, spec) : ": absent"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String missing(Path directory, DatasetSpec spec) {
        return spec.files().stream()
                .map(DatasetFile::name)
                .filter(name -> !Files.isRegularFile(MnistFormat.find(directory, name)))
                .collect(Collectors.joining(", "));
    }

    private String howToProvide(DatasetSpec spec, Path directory) {
        StringBuilder help = new StringBuilder("To provide it, do one of these:\n");
        if (spec.systemPackage() != null) {
            help.append("  - install the Debian package: sudo apt-get install ").append(spec.systemPackage())
                    .append(" (it puts the files in ").append(spec.systemDirectory()).append(")\n");
        }
        String files = spec.files().stream().map(DatasetFile::name).collect(Collectors.joining(" "));
        help.append("  - download ").append(files).append(" from ").append(mirror(spec)).append(" into ").append(directory)
                .append('\n');
        help.append("  - give the directory that holds these files on the command line (kiln train --data DIR)");
        return help.toString();
    }
}
