package org.parlens.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, with the plugins parlens needs loaded from the classpath.
 *
 * <p>Arguments are node settings, {@code key=value} ({@code path.home} is required). The node stops when
 * its standard input closes (the Python launcher holds it open, so a killed test run never leaves a
 * node behind) or on SIGTERM. Once it serves, it prints {@code PARLENS-NODE-STARTED} on standard output.
 */
public final class ParlensNode {

    /** HTTP (Netty), the analysis-common filters and tokenizers, delete_by_query, and k-NN (with painless, which it extends). */
    static final Collection<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class, PainlessPlugin.class, knnPlugin());

    /** The k-NN plugin (knn_vector, the knn query); its jar comes unpacked from the plugin zip, not at compile time. */
    private static Class<? extends Plugin> knnPlugin() {
        try {
            return Class.forName("org.opensearch.knn.plugin.KNNPlugin").asSubclass(Plugin.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("opensearch-knn is not on the classpath", e);
        }
    }

    /** A node built with classpath plugins (the constructor that takes them is protected). */
    static final class PluginNode extends Node {
        PluginNode(Environment environment) {
            super(environment, PLUGINS, true);
        }
    }

    private ParlensNode() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        Path home = Path.of(settings.get("path.home"));
        Files.createDirectories(home.resolve("modules"));
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(home.resolve("config"));
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> settings.get("node.name", "parlens-node"));
        Node node = new PluginNode(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "parlens-node-stop"));
        node.start();
        System.out.println("PARLENS-NODE-STARTED");
        System.out.flush();
        waitForStdinToClose(System.in);
        System.exit(0); // runs the shutdown hook
    }

    private static void waitForStdinToClose(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // keep reading: the launcher never writes, it only closes
            }
        } catch (IOException ignored) {
            // a broken pipe means the launcher is gone too
        }
    }

    private static void stop(Node node) {
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.err.println("parlens-node: " + e);
        }
    }
}
