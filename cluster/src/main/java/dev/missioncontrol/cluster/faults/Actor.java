package dev.missioncontrol.cluster.faults;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who did something to the cluster, for the audit journal: the tool ({@code console}, {@code cli}, {@code bench},
 * {@code test}), the OS user, the host and the process.
 */
public record Actor(String tool, String user, String host, long pid) {
    /** This process, as the given tool. */
    public static Actor of(String tool) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new Actor(
                tool,
                System.getProperty("user.name", "unknown"),
                host,
                ProcessHandle.current().pid());
    }

    /** "console root@ops-1". */
    public String describe() {
        return tool + " " + user + "@" + host;
    }
}
