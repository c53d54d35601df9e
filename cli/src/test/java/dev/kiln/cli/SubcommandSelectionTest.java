package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kiln NAME ...} builds only NAME's subcommand, and it must be the very one the full command
 * line has. (The other tests of this module run their commands through that path, and so check
 * that it keeps Kiln's error handling.)
 */
class SubcommandSelectionTest {

    @Test
    void aNamedSubcommandIsBuiltAloneWithTheSameOptionsAndHelp() {
        Map<String, CommandLine> all = KilnCommand.commandLine().getSubcommands();
        assertEquals(14, all.size(), "every subcommand and help: " + all.keySet());

        for (String name : all.keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Map<String, CommandLine> built = KilnCommand.commandLine(name, "--some-option").getSubcommands();

            assertEquals(Set.of(name), built.keySet());
            assertEquals(all.get(name).getUsageMessage(), built.get(name).getUsageMessage(), name);
        }
    }

    @Test
    void anythingElseGetsEverySubcommandSoHelpListsThemAndATypoFindsItsMatch() {
        Set<String> names = KilnCommand.commandLine().getSubcommands().keySet();

        for (String[] args : new String[][] {{}, {"--help"}, {"help", "train"}, {"trian"}, {"--version"}}) {
            assertEquals(names, KilnCommand.commandLine(args).getSubcommands().keySet(), String.join(" ", args));
        }
    }
}
