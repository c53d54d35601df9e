package dev.kiln.cli;

import dev.kiln.networks.SeedNetworks;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reads {@code kiln evaluate --report NETWORK ...} as the text report of NETWORK. {@code --report}
 * takes an optional folder, and picocli would otherwise take the network's name for the folder and
 * then ask for the network. A folder named like a network can still be given as
 * {@code --report=NAME}; any other word after a space is the folder, as before.
 */
final class ReportFolderOrNetwork implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
        boolean attached = !" ".equals(info.get("separator"));
        if (!attached && !args.isEmpty() && SeedNetworks.named(args.peek()).isPresent()) {
            args.push("");          // as --report= : the text report, no folder
        }
        return false;               // picocli goes on to read the option's value
    }
}
