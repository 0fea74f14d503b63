package io.stethostream.cli;

import io.stethostream.streams.app.HttpAccess;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Who may reach the HTTP endpoint (dashboard, metrics): {@code run} and {@code demo} share these options. */
final class HttpOptions {

    @Option(names = "--http-bind", defaultValue = HttpAccess.LOOPBACK, paramLabel = "ADDRESS",
            description = "Address the dashboard and metrics listen on (default: ${DEFAULT-VALUE}, this machine only; "
                    + "0.0.0.0 for every interface: set --http-users then).")
    String bind;

    @Option(names = "--http-users", paramLabel = "FILE",
            description = "user:password lines; every page, event stream, acknowledgement, /devices and /metrics then "
                    + "need HTTP basic authentication (/health and /ready stay open for probes).")
    Path users;

    HttpAccess access() {
        try {
            return users == null ? HttpAccess.loopback().withBindAddress(bind) : HttpAccess.withUsersFile(bind, users);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("--http-users: " + e.getMessage(), e);
        }
    }

    /** The dashboard's address for people on this machine. */
    String url(int port) {
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind;
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }
}
