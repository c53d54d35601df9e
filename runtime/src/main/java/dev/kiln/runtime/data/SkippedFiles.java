package dev.kiln.runtime.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bad files a loader skipped because it was asked to ({@code skipBad}) rather than fail: how
 * many, and the first few with what was wrong with each.
 *
 * @param count    files skipped
 * @param firstFew up to {@link #SHOWN} of them, each "path: problem", in file order
 */
public record SkippedFiles(int count, List<String> firstFew) {
    public static final int SHOWN = 5;
    public static final SkippedFiles NONE = new SkippedFiles(0, List.of());

    public SkippedFiles {
        firstFew = List.copyOf(firstFew);
    }

    /** The skipped files from their problems (messages that start with the file's name), in order. */
    static SkippedFiles of(List<String> problems) {
        return new SkippedFiles(problems.size(), problems.subList(0, Math.min(SHOWN, problems.size())));
    }

    /** Both sets' skipped files, as one report. */
    SkippedFiles plus(SkippedFiles other) {
        List<String> shown = new ArrayList<>(firstFew);
        shown.addAll(other.firstFew);
        shown.sort(Comparator.naturalOrder());
        return new SkippedFiles(count + other.count, shown.subList(0, Math.min(SHOWN, shown.size())));
    }

    /** "skipped 3 bad files: a.png: ..., b.png: ..."; empty when none were skipped. */
    public String summary() {
        if (count == 0) {
            return "";
        }
        return "skipped " + count + " bad file" + (count == 1 ? "" : "s") + ":\n  " + String.join("\n  ", firstFew)
                + (count > firstFew.size() ? "\n  ... and " + (count - firstFew.size()) + " more" : "");
    }
}
