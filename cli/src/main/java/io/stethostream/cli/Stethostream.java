package io.stethostream.cli;

import io.stethostream.agent.app.AgentCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code ./stethostream} command: one subcommand per user task. */
@Command(name = "stethostream",
        mixinStandardHelpOptions = true,
        version = "stethostream 0.1.0",
        description = "Streaming respiratory-sound monitoring.",
        subcommands = {
                FeaturesCommand.class,
                DatasetCommand.class,
                SynthCommand.class,
                PretrainCommand.class,
                TrainCommand.class,
                ExportCommand.class,
                EvaluateCommand.class,
                EvaluateAlertsCommand.class,
                ClassifyCommand.class,
                DeployCommand.class,
                RollbackCommand.class,
                PredictionsCommand.class,
                AlertsCommand.class,
                RunCommand.class,
                DemoCommand.class,
                AgentCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Stethostream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with the given output writers; tests call this to run the real parser. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Stethostream());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ExitCodes.ExceptionMapper());
        return cl;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(commandLine(out, err).execute(args));
    }
}
