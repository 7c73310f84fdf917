package io.marketprism.topology.processor;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one partition of the reliability step decides ({@link DecidingPartitioner}): the limit domains of every host
 * set on each route whose deciding key maps to it, and with them the host sets whose breakers and balancer it holds.
 * Its engine is configured with these domains only, so it loads no other saved domain, and its health checks go out
 * on its own routes.
 *
 * <p>State saved under an earlier layout (before routes were decided apart, a host set's every route was decided on
 * one partition) can hold entries of domains that another partition decides now: {@link #dropStateDecidedElsewhere}
 * deletes them, with a log line, once no task of theirs is left here.
 */
final class PartitionLayout {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLayout.class);

    private final int partition;
    private final DecidingPartitioner partitioner;
    private final Map<String, String> hostSetOfDomainHere = new LinkedHashMap<>();
    private final Map<String, String> hostSetOfEveryDomain = new HashMap<>();
    private final Set<String> hostSetsHere = new HashSet<>();

    PartitionLayout(ExchangeRoutes routes, DecidingPartitioner partitioner, int partition) {
        this.partition = partition;
        this.partitioner = partitioner;
        for (ExchangeRoutes.Domain domain : routes.domains()) {
            hostSetOfEveryDomain.put(domain.name(), domain.hostSet());
            if (partitioner.partitionOf(domain.hostSet(), domain.route()) == partition) {
                hostSetOfDomainHere.put(domain.name(), domain.hostSet());
                hostSetsHere.add(domain.hostSet());
            }
        }
    }

    /** The limit domains this partition decides, with the host set of each, in configuration order. */
    Map<String, String> domains() {
        return hostSetOfDomainHere;
    }

    /** The routes of {@code hostSet} this partition decides, in route order. */
    List<String> routesOf(String hostSet) {
        return partitioner.routesOn(partition, hostSet);
    }

    /**
     * Deletes the engine entries of configured domains that another partition decides now, and of host sets with
     * no route decided here, unless {@code busyHere} says a task of the domain (of any domain of the host set) is
     * still waiting, held or in flight on this partition: such tasks go on with the state they were decided with.
     * Returns how many entries were deleted.
     */
    int dropStateDecidedElsewhere(KeyValueStore<String, byte[]> engineStore, Predicate<String> busyHere) {
        Set<String> busyHostSets = new HashSet<>();
        hostSetOfEveryDomain.forEach((domain, hostSet) -> {
            if (!hostSetOfDomainHere.containsKey(domain) && busyHere.test(domain)) {
                busyHostSets.add(hostSet);
            }
        });
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> entries = engineStore.all()) {
            while (entries.hasNext()) {
                KeyValue<String, byte[]> entry = entries.next();
                if (decidedElsewhere(entry.key, busyHere, busyHostSets)) {
                    stale.add(entry.key);
                }
            }
        }
        stale.forEach(engineStore::delete);
        if (!stale.isEmpty()) {
            LOG.warn("partition {}: dropped {} engine state entries that another partition decides since routes are "
                    + "decided apart (saved under the previous partitioning): {}", partition, stale.size(), stale);
        }
        return stale.size();
    }

    private boolean decidedElsewhere(String key, Predicate<String> busyHere, Set<String> busyHostSets) {
        StateKey parsed;
        try {
            parsed = StateKey.parse(key);
        } catch (IllegalArgumentException notAStateKey) {
            return false;
        }
        return switch (parsed.kind()) {
            case LIMITER, RETRY_BUDGET -> {
                // an instrument's domain is decided where its group's domain is
                DomainId saved = new DomainId(parsed.id());
                String group = saved.groupDomain().name();
                yield hostSetOfEveryDomain.containsKey(group) && !hostSetOfDomainHere.containsKey(group)
                        && !busyHere.test(group) && !busyHere.test(saved.name());
            }
            case BREAKER -> foreignHostSet(parsed.endpoint().exchange(), busyHostSets);
            case BALANCER -> foreignHostSet(parsed.id(), busyHostSets);
        };
    }

    private boolean foreignHostSet(String hostSet, Set<String> busyHostSets) {
        return hostSetOfEveryDomain.containsValue(hostSet) && !hostSetsHere.contains(hostSet)
                && !busyHostSets.contains(hostSet);
    }
}
