package org.gazette.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One node of a local OpenSearch cluster on loopback, run by OpenSearch's own server code.
 *
 * <pre>java -cp target/classes:target/lib/* org.gazette.ops.OpenSearchNode DIR N NODES</pre>
 *
 * Node N (1..NODES) listens for HTTP on 9200+N and for transport on 9300+N, keeps its data, logs and
 * state under DIR/node-N, and finds the other nodes on the ports of 1..NODES. Each node is its own
 * process, so that one can be killed (kill -9) and started again while the others serve. The modules a
 * distribution loads from its modules/ folder are given here as classpath plugins instead.
 */
public final class OpenSearchNode {

    private static final Collection<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class
    );

    private static final int HTTP_BASE = 9200;
    private static final int TRANSPORT_BASE = 9300;

    /** Node's constructor that takes classpath plugins is protected. */
    private static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment) {
            super(environment, MODULES, true);
        }
    }

    private OpenSearchNode() {}

    static Settings settings(Path dir, int number, int nodes) {
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            seeds.add("127.0.0.1:" + (TRANSPORT_BASE + i));
            names.add("node-" + i);
        }
        Path home = dir.resolve("node-" + number);
        return Settings.builder()
            .put("cluster.name", System.getProperty("cluster.name", "gazette"))
            .put("node.name", "node-" + number)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", HTTP_BASE + number)
            .put("transport.port", TRANSPORT_BASE + number)
            .putList("discovery.seed_hosts", seeds)
            // Read on the cluster's first start only; a node that restarts rejoins from its own state.
            .putList("cluster.initial_cluster_manager_nodes", names)
            // A shared development disk may be fuller than the default watermarks allow.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("node.processors", Integer.getInteger("node.processors", Runtime.getRuntime().availableProcessors()))
            .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: OpenSearchNode DIR N NODES");
            System.exit(2);
        }
        int nodes = Integer.parseInt(args[2]);
        int number = Integer.parseInt(args[1]);
        if (number < 1 || number > nodes) {
            System.err.println("N must be between 1 and NODES");
            System.exit(2);
        }
        Settings settings = settings(Path.of(args[0]).toAbsolutePath(), number, nodes);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(settings.get("node.name"));
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), null, () -> settings.get("node.name"));
        Node node = new EmbeddedNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        stopped.await();
    }
}
