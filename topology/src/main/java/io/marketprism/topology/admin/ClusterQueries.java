package io.marketprism.topology.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.marketprism.topology.ReliabilityTopology;
import io.marketprism.topology.admin.AdminViews.DomainView;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.DecidingPartitioner;
import io.marketprism.topology.processor.ProcessorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers admin calls for the whole cluster. Listings: this instance's active stores by interactive query, plus
 * every other instance's local listing fetched over HTTP ({@code ?local=true}, so they do not fan out again).
 * Commands: routed to the instance whose stream task owns each partition holding state of the command's target
 * (found with {@link KafkaStreams#queryMetadataForKey}) and there queued in the {@link AdminMailbox} for the
 * processor. An address alone never makes an instance "this one": it must also hold the partitions filed under it
 * ({@link ClusterCoverage}).
 */
final class ClusterQueries {

    /** The listings of the admin API, by path segment. */
    enum Listing {
        BREAKERS, ENDPOINTS, QUEUES, BANS;

        String path() {
            return "/admin/" + name().toLowerCase();
        }
    }

    /** An HTTP answer: status and JSON body. */
    record Answer(int status, byte[] body) {
    }

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** Time left to wait for the commit even when applying took nearly all of {@link #COMMAND_TIMEOUT}. */
    private static final Duration COMMIT_CONFIRMATION_MIN = Duration.ofSeconds(2);
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(5);

    private final ServiceConfig config;
    private final HostInfo self;
    private final Supplier<KafkaStreams> streams;
    private final AdminMailbox mailbox;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REMOTE_TIMEOUT).build();

    ClusterQueries(ServiceConfig config, HostInfo self, Supplier<KafkaStreams> streams, AdminMailbox mailbox,
                   Clock clock) {
        this.config = config;
        this.self = self;
        this.streams = streams;
        this.mailbox = mailbox;
        this.clock = clock;
    }

    /** This instance's rows of a listing, read from its active stores. */
    ArrayNode local(Listing listing) {
        String instance = self.host() + ":" + self.port();
        long now = clock.millis();
        return switch (listing) {
            case BREAKERS -> AdminJson.rows(perLocalPartition((store, routesOf) ->
                    LocalState.breakers(store, instance, routesOf)));
            case ENDPOINTS -> AdminJson.rows(perLocalPartition((store, routesOf) ->
                    LocalState.endpoints(store, instance, routesOf)));
            case BANS -> AdminJson.rows(LocalState.domains(store(ProcessorSettings.ENGINE_STORE),
                    config.reliability(), instance, now).stream().filter(DomainView::banned).toList());
            case QUEUES -> AdminJson.rows(LocalState.queues(this.<Bytes>store(ProcessorSettings.QUEUE_STORE),
                    instance));
        };
    }

    /**
     * The rows {@code read} makes of the engine store of each partition this instance holds, told the routes of each
     * host set that partition decides: one partition's breakers and balancers judge the calls on its routes only.
     */
    private <V> List<V> perLocalPartition(
            BiFunction<ReadOnlyKeyValueStore<String, byte[]>, Function<String, List<String>>, List<V>> read) {
        DecidingPartitioner partitioner = DecidingPartitioner.of(config.topicPartitions(), config.routes());
        Set<Integer> partitions = new TreeSet<>();
        streams.get().metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> partitions.add(task.taskId().partition())));
        List<V> rows = new ArrayList<>();
        for (int partition : partitions) {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.get().store(StoreQueryParameters
                    .fromNameAndType(ProcessorSettings.ENGINE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition));
            rows.addAll(read.apply(store, hostSet -> partitioner.routesOn(partition, hostSet)));
        }
        return rows;
    }

    /**
     * The rows of every instance. Instances that did not answer are listed as unreachable, and what the listing
     * lacks (partitions no answer covers, an address two instances share) as problems; see {@link ClusterCoverage}.
     */
    byte[] cluster(Listing listing) {
        ClusterCoverage coverage = coverage();
        ArrayNode items = local(listing);
        List<String> unreachable = new ArrayList<>(coverage.sharedAddresses());
        List<ClusterCoverage.Member> answered = new ArrayList<>();
        for (ClusterCoverage.Member peer : coverage.peers()) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(peer.host(),
                                listing.path() + "?local=true")).timeout(REMOTE_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                items.addAll(AdminJson.itemsOf(response.body()));
                answered.add(peer);
            } catch (IOException e) {
                unreachable.add(peer.address());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(peer.address());
            }
        }
        return AdminJson.listing(items, unreachable, coverage.problems(answered));
    }

    private ClusterCoverage coverage() {
        KafkaStreams current = streams.get();
        Set<TopicPartition> own = current.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .collect(Collectors.toSet());
        List<ClusterCoverage.Member> members = current.metadataForAllStreamsClients().stream()
                .map(client -> new ClusterCoverage.Member(client.hostInfo(), client.topicPartitions()))
                .toList();
        return new ClusterCoverage(self, own, members, ReliabilityTopology.domainTopic(config.applicationId()),
                config.topicPartitions());
    }

    /**
     * Applies {@code command} on every partition that holds state of its target: a lifted ban on the one partition
     * deciding the domain; a breaker command on each partition deciding one of the host set's routes, since each
     * holds the breakers and balancer for the calls it makes. On a partition this instance holds it goes through the
     * mailbox; any other is forwarded as {@code path?local=true&partition=p}, with the caller's
     * {@code authorization}, to the partition's owner. A {@code forwarded} command is never forwarded again: it is
     * applied on {@code onlyPartition}, or, when the forwarding instance named none (a release that did not decide
     * routes apart), on the target partitions held here. One partition's answer is returned as it is; several are
     * combined, with the worst status of theirs and each partition's answer.
     */
    Answer execute(AdminCommand command, String path, String authorization, boolean forwarded,
                   Integer onlyPartition) {
        DecidingPartitioner partitioner = DecidingPartitioner.of(config.topicPartitions(), config.routes());
        Map<Integer, String> keyOfPartition = partitionsHoldingStateOf(command, config);
        if (onlyPartition != null) {
            String key = keyOfPartition.get(onlyPartition);
            return key == null
                    ? new Answer(404, AdminJson.message("error", "partition " + onlyPartition + " holds no state of '"
                    + command.domain() + "'"))
                    : executeOn(command, key, partitioner, path, authorization, forwarded);
        }
        if (keyOfPartition.size() == 1) {
            return executeOn(command, keyOfPartition.values().iterator().next(), partitioner, path, authorization,
                    forwarded);
        }
        Map<Integer, Answer> answers = new TreeMap<>();
        keyOfPartition.forEach((partition, key) -> answers.put(partition, executeOn(
                AdminCommand.of(command.action(), command.domain(), command.endpoint()), key, partitioner, path,
                authorization, forwarded)));
        return new Answer(answers.values().stream().mapToInt(Answer::status).max().orElseThrow(),
                AdminJson.perPartition(answers));
    }

    /**
     * The partitions holding state of the command's target, each with a deciding key that maps to it, in partition
     * order: the domain's for a lifted ban; one per route of the host set for a breaker command (fewer when routes
     * outnumber partitions).
     */
    static Map<Integer, String> partitionsHoldingStateOf(AdminCommand command, ServiceConfig config) {
        List<String> keys = command.action() == AdminCommand.Action.LIFT_BAN
                ? List.of(Objects.requireNonNullElse(config.routes().decidingKeyOfDomain(command.domain()),
                command.domain()))
                : config.routes().decidingKeysOf(command.domain());
        DecidingPartitioner partitioner = DecidingPartitioner.of(config.topicPartitions(), config.routes());
        Map<Integer, String> keyOfPartition = new TreeMap<>();
        keys.forEach(key -> keyOfPartition.putIfAbsent(partitioner.partitionOf(key), key));
        return keyOfPartition;
    }

    /** Applies {@code command} on the partition deciding {@code key}: here, or forwarded to its owner. */
    private Answer executeOn(AdminCommand command, String key, DecidingPartitioner partitioner, String path,
                             String authorization, boolean forwarded) {
        KeyQueryMetadata owner = streams.get().queryMetadataForKey(ProcessorSettings.ENGINE_STORE, key,
                partitioner.forRecords());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Answer(503, AdminJson.message("error", "no instance owns domain '" + command.domain()
                    + "' right now (rebalancing?); try again"));
        }
        if (owner.activeHost().equals(self)) {
            if (!coverage().holdsDomainPartition(owner.partition())) {
                // The metadata files the domain under this instance's address, but another instance holds it.
                return new Answer(503, AdminJson.message("error", "domain '" + command.domain() + "' is filed under "
                        + "this instance's address " + self.host() + ":" + self.port() + " but held by another "
                        + "instance: a rebalance is under way, or two instances advertise the same address "
                        + "(application.server); try again, and give every instance an address of its own"));
            }
            return applyHere(command, owner.partition());
        }
        if (forwarded) {
            return new Answer(503, AdminJson.message("error", "domain '" + command.domain()
                    + "' moved to another instance; try again"));
        }
        return forward(owner.activeHost(), path + "?local=true&partition=" + owner.partition(), authorization);
    }

    /**
     * Hands the command to the stream thread owning the partition and answers once a commit carried it: 200 with the
     * summary; 409 when it was refused; 503 when it was not applied in time (it is then skipped); 202 when it was
     * applied but no commit confirmed it in time (the change may still be undone by a crash: check, or repeat it,
     * commands are idempotent).
     */
    private Answer applyHere(AdminCommand command, int partition) {
        mailbox.submit(partition, command);
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        String summary;
        try {
            summary = command.done().get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException refused) {
            return new Answer(409, AdminJson.message("error", refused.getCause().getMessage()));
        } catch (TimeoutException e) {
            // Cancelled commands are skipped should the partition's processor poll them later.
            command.done().cancel(false);
            return new Answer(503, AdminJson.message("error", "the stream thread owning domain '" + command.domain()
                    + "' did not apply the command within " + COMMAND_TIMEOUT.toSeconds() + " s; try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            command.done().cancel(false);
            return new Answer(503, AdminJson.message("error", "interrupted"));
        }
        try {
            long left = Math.max(COMMIT_CONFIRMATION_MIN.toNanos(), deadline - System.nanoTime());
            return new Answer(200, AdminJson.message("result", command.committed().get(left, TimeUnit.NANOSECONDS)));
        } catch (TimeoutException | ExecutionException notConfirmed) {
            return new Answer(202, AdminJson.message("result", summary + " (applied; no commit confirmed it within "
                    + COMMAND_TIMEOUT.toSeconds() + " s: a crash could still undo it, check the state or repeat)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(202, AdminJson.message("result", summary + " (applied; commit not confirmed)"));
        }
    }

    private Answer forward(HostInfo owner, String pathAndQuery, String authorization) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(owner, pathAndQuery))
                            .timeout(COMMAND_TIMEOUT.plus(REMOTE_TIMEOUT))
                            .header("Authorization", authorization)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(502, AdminJson.message("error", "owner " + owner.host() + ":" + owner.port()
                    + " did not answer: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, AdminJson.message("error", "interrupted"));
        }
    }

    private <K> ReadOnlyKeyValueStore<K, byte[]> store(String name) {
        return streams.get().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    private static URI uri(HostInfo host, String pathAndQuery) {
        return URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery);
    }
}
