package dev.kiln.runtime.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a published dataset lives and how to recognise it.
 *
 * @param name            directory name in the cache, e.g. "fashion-mnist"
 * @param title           for messages, e.g. "Fashion-MNIST"
 * @param files           the files that make up the dataset
 * @param mirror          base URL the files can be downloaded from
 * @param systemDirectory where a system package installs the files, or null
 * @param systemPackage   the Debian package that installs them there, or null
 * @param classNames      the label names, index = label
 */
public record DatasetSpec(String name, String title, List<DatasetFile> files, URI mirror, Path systemDirectory,
        String systemPackage, List<String> classNames) {

    public DatasetSpec {
        files = List.copyOf(files);
        classNames = List.copyOf(classNames);
    }

    public int classes() {
        return classNames.size();
    }

    /** True when every file's content sum is known, so the files may be downloaded. */
    public boolean downloadable() {
        return files.stream().allMatch(file -> file.contentSha256() != null);
    }
}
