package io.marketprism.ops.chaos;

import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.kafka.FailoverSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * Three combined KRaft brokers and controllers, each an {@link EmbeddedKafka} in a child JVM of its own so that one can
 * be killed with SIGKILL: the quorum and every replicated partition survive one loss. Internal topics (consumer
 * offsets, transaction state) have replication factor 3 and min ISR 2, as production runs them; so do the topics the
 * service creates, with {@link #SERVICE_SETTINGS}.
 */
public final class BrokerCluster implements AutoCloseable {

    /** Nodes 1, 2 and 3. */
    public static final int NODES = 3;

    /**
     * What a service on this cluster is configured with, as a production deployment on three brokers is: its own
     * topics and Kafka Streams' changelog and repartition topics with three replicas (min ISR 2 is the brokers'
     * default). Exactly-once makes the producers idempotent with {@code acks=all}, so a write needs two replicas.
     */
    public static final Map<String, String> SERVICE_SETTINGS = Map.of(
            "topic.replication.factor", Integer.toString(NODES),
            "kafka.replication.factor", Integer.toString(NODES));

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final Map<Integer, Integer> clientPorts;
    private final Map<Integer, ServiceProcess> nodes = new TreeMap<>();

    private BrokerCluster(Map<Integer, Integer> clientPorts) {
        this.clientPorts = clientPorts;
    }

    /**
     * Starts the three nodes under {@code workDir} (data in {@code broker-N}, output in {@code broker-N.log}) and
     * waits until all three brokers are registered; each with the documented failover settings
     * ({@link FailoverSettings#broker()}).
     */
    public static BrokerCluster start(Path workDir) throws IOException {
        List<Integer> ports = freePorts(2 * NODES);
        Map<Integer, Integer> clientPorts = new LinkedHashMap<>();
        Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        for (int node = 1; node <= NODES; node++) {
            clientPorts.put(node, ports.get(node - 1));
            controllerPorts.put(node, ports.get(NODES + node - 1));
        }
        String quorum = controllerPorts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        BrokerCluster cluster = new BrokerCluster(clientPorts);
        try {
            for (int node = 1; node <= NODES; node++) {
                List<String> arguments = new ArrayList<>(List.of(Integer.toString(clientPorts.get(node)),
                        workDir.resolve("broker-" + node).toString(), Integer.toString(node), clusterId, quorum));
                FailoverSettings.broker().forEach((key, value) -> arguments.add("--" + key + "=" + value));
                cluster.nodes.put(node, ServiceProcess.startMain(EmbeddedKafka.class.getName(), arguments,
                        workDir.resolve("broker-" + node + ".log")));
            }
            cluster.awaitBrokers(NODES);
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node's client address. */
    public String bootstrap() {
        return clientPorts.values().stream().map(port -> LOOPBACK + ":" + port).collect(Collectors.joining(","));
    }

    /** Kills node {@code node}'s JVM with SIGKILL: no clean shutdown, no leadership handed over. */
    public void kill(int node) throws InterruptedException {
        nodes.get(node).kill();
    }

    /**
     * Creates {@code topics}, {@code partitions} each, with three replicas, {@code leader} first in every
     * partition's replica list (its preferred leader, so it leads them all), and waits until every partition is
     * served.
     */
    public void createTopicsLedBy(int leader, List<String> topics, int partitions) {
        List<Integer> replicas = new ArrayList<>(List.of(leader));
        clientPorts.keySet().stream().filter(node -> node != leader).forEach(replicas::add);
        Map<Integer, List<Integer>> assignment = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            assignment.put(p, replicas);
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics.stream().map(name -> new NewTopic(name, assignment)).toList()).all().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.forEach(topic -> assignment.keySet()
                    .forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest())));
            Deadline.within(READY_TIMEOUT).await(() -> served(admin, latest), "partitions of " + topics + " served");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create " + topics + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Makes {@code leader} the leader of every partition of {@code topics} (three replicas each), once they exist:
     * puts it first in each replica list, runs a preferred leader election and waits until it leads them all.
     */
    public void moveLeadersTo(int leader, List<String> topics) {
        try (Admin admin = admin()) {
            Deadline.within(READY_TIMEOUT).await(() -> exist(admin, topics), topics + " to exist");
            Map<TopicPartition, Optional<NewPartitionReassignment>> reorder = new HashMap<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    List<Integer> replicas = new ArrayList<>(List.of(leader));
                    partition.replicas().stream().map(Node::id).filter(id -> id != leader).forEach(replicas::add);
                    reorder.put(new TopicPartition(topic.name(), partition.partition()),
                            Optional.of(new NewPartitionReassignment(replicas)));
                }
            }
            admin.alterPartitionReassignments(reorder).all().get();
            Deadline.within(READY_TIMEOUT).await(() -> {
                electPreferredLeaders(admin, reorder.keySet());
                return leaders(topics).equals(Map.of(leader, (long) reorder.size()));
            }, "broker " + leader + " to lead every partition of " + topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not move the leaders of " + topics + ": " + e.getCause(),
                    e.getCause());
        }
    }

    private static boolean exist(Admin admin, List<String> topics) {
        try {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().containsAll(topics);
        } catch (ExecutionException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A preferred leader election; partitions already led by their preferred leader need none. */
    private static void electPreferredLeaders(Admin admin, Set<TopicPartition> partitions) {
        try {
            admin.electLeaders(ElectionType.PREFERRED, partitions).partitions().get().values().forEach(error ->
                    error.filter(e -> !(e instanceof ElectionNotNeededException)).ifPresent(e -> {
                        throw new IllegalStateException("preferred leader election failed: " + e, e);
                    }));
        } catch (ExecutionException notYet) {
            // the reassignment is still being applied: the next round elects
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many partitions of {@code topics} each node leads now. */
    public Map<Integer, Long> leaders(List<String> topics) {
        try (Admin admin = admin()) {
            return admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .map(TopicDescription::partitions).flatMap(List::stream).map(TopicPartitionInfo::leader)
                    .filter(node -> node != null && !node.isEmpty())
                    .collect(Collectors.groupingBy(node -> node.id(), TreeMap::new, Collectors.counting()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The node leading the metadata quorum: the active controller. */
    public int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static boolean served(Admin admin, Map<TopicPartition, OffsetSpec> partitions) {
        try {
            admin.listOffsets(partitions).all().get();
            return true;
        } catch (ExecutionException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitBrokers(int count) {
        try (Admin admin = admin()) {
            Deadline.within(READY_TIMEOUT).await(() -> {
                try {
                    return admin.describeCluster().nodes().get().size() == count;
                } catch (ExecutionException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, count + " brokers registered (logs: broker-N.log)");
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    /** Distinct free ports, held open together so that none is handed out twice. */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Stops every node still running: SIGTERM (the broker shuts down cleanly), SIGKILL after a minute. */
    @Override
    public void close() {
        for (ServiceProcess node : nodes.values()) {
            try {
                node.close();
            } catch (IOException | InterruptedException e) {
                System.err.println("could not stop broker " + node.pid() + ": " + e);
            }
        }
    }
}
