package io.stethostream.streams.app;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may reach the HTTP endpoint: the address it binds to (loopback unless configured otherwise) and, optionally, the
 * users of HTTP basic authentication. With users configured, every path but {@code /health} and {@code /ready} (for
 * orchestrators' probes) needs them: the dashboard, its event stream, acknowledgements, {@code /devices},
 * {@code /metrics}.
 *
 * @param bindAddress the address to listen on ({@code 127.0.0.1}, {@code 0.0.0.0}, a host's address)
 * @param users       user name to password; empty: no authentication
 */
public record HttpAccess(String bindAddress, Map<String, String> users) {

    public static final String LOOPBACK = "127.0.0.1";
    public static final String REALM = "stethostream";

    public HttpAccess {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("bind address must not be empty");
        }
        users = users == null ? Map.of() : Map.copyOf(users);
    }

    /** Loopback only, no authentication: the default. */
    public static HttpAccess loopback() {
        return new HttpAccess(LOOPBACK, Map.of());
    }

    /**
     * Reads users from a file of {@code user:password} lines ({@code #} starts a comment). Keep it readable by the
     * service's user only.
     *
     * @throws IOException naming the file and line when it is missing, unreadable, malformed or has no user
     */
    public static HttpAccess withUsersFile(String bindAddress, Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("HTTP users file " + file + " does not exist or is not readable");
        }
        Map<String, String> users = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new IOException(file + " line " + (i + 1) + ": expected user:password");
            }
            users.put(line.substring(0, colon), line.substring(colon + 1));
        }
        if (users.isEmpty()) {
            throw new IOException("HTTP users file " + file + " names no user");
        }
        return new HttpAccess(bindAddress, users);
    }

    public HttpAccess withBindAddress(String address) {
        return new HttpAccess(address, users);
    }

    public boolean authenticated() {
        return !users.isEmpty();
    }

    /** Basic authentication against {@link #users}, or null when none are configured. */
    Authenticator authenticator() {
        if (users.isEmpty()) {
            return null;
        }
        return new BasicAuthenticator(REALM, StandardCharsets.UTF_8) {
            @Override
            public boolean checkCredentials(String user, String password) {
                String want = users.get(user);
                // Compare in constant time, and compare something even for an unknown user.
                byte[] a = (want == null ? "\u0000unknown" : want).getBytes(StandardCharsets.UTF_8);
                byte[] b = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
                return MessageDigest.isEqual(a, b) && want != null;
            }
        };
    }

    /** The host other instances and links use for this endpoint: localhost when bound to loopback. */
    String advertisedHost() {
        try {
            InetAddress a = InetAddress.getByName(bindAddress);
            if (a.isLoopbackAddress()) {
                return "localhost";
            }
            if (!a.isAnyLocalAddress()) {
                return bindAddress;
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() { // never the passwords
        return "HttpAccess[bind=" + bindAddress + ", users=" + users.keySet() + "]";
    }
}
